"""A Storage JSON API shim in front of fake-gcs-server for the calls the emulator gets wrong (used by gcs.py).

Every request is forwarded unchanged except object deletion: the emulator answers DELETE with 200 and a `null`
body (gcloud 528 then dies with "'NoneType' object has no attribute 'items'") and ignores ifGenerationMatch.
The shim answers as Cloud Storage does: 404 for a missing object, 412 conditionNotMet for another generation,
else 204 with no body. It also records every call, upload and deletion (`traffic`), so tests measure what a
client really sent. gcloud is pointed here (CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE).

With `iam` (scripts/local/cloud/iam_front.py), every call is first checked for the permission its JSON API
method needs (objects.insert over an existing object needs storage.objects.delete too, as on Cloud Storage);
a call without it is answered 403 as Cloud Storage answers it. Point google-cloud-storage here too
(STORAGE_EMULATOR_HOST=`url`) so that the DAGs' own calls are checked.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scripts.local.cloud.http import ApiError, Request


@dataclass
class Traffic:
    uploads: list[str] = field(default_factory=list)  # object names, in order
    deletions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # "METHOD /path" of every Storage JSON API call, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self) -> tuple[int, int]:
        with self.lock:
            return len(self.uploads), len(self.deletions)

    def since(self, mark: tuple[int, int]) -> tuple[list[str], list[str]]:
        with self.lock:
            return self.uploads[mark[0] :], self.deletions[mark[1] :]


def _gcs_error(code: int, reason: str, message: str) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, "errors": [{"reason": reason, "message": message}]}}
    ).encode()


class StorageShim(ThreadingHTTPServer):
    """On a free loopback port; `start()` serves it in a daemon thread, `stop()` ends it."""

    daemon_threads = True

    def __init__(self, emulator_port: int, iam=None):
        self.emulator_port = emulator_port
        self.iam = iam
        self.traffic = Traffic()
        self._thread: threading.Thread | None = None
        super().__init__(("127.0.0.1", 0), _ShimHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def start(self) -> StorageShim:
        self._thread = threading.Thread(target=self.serve_forever, name="gcs-shim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

    def emulator(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.emulator_port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


class _ShimHandler(BaseHTTPRequestHandler):
    server: StorageShim
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        skip = {"content-length", "transfer-encoding", "connection", "date", "server"}
        for name, value in headers:
            if name.lower() not in skip:
                if name.lower() == "location":
                    value = value.replace(
                        f"127.0.0.1:{self.server.emulator_port}", f"127.0.0.1:{self.server.server_port}"
                    )
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _record(self) -> None:
        self.__dict__.pop("_read_body", None)  # one handler serves every request of a keep-alive connection
        with self.server.traffic.lock:
            self.server.traffic.requests.append(f"{self.command} {self.path}")

    def _body(self) -> bytes | None:
        if not hasattr(self, "_read_body"):
            length = int(self.headers.get("Content-Length") or 0)
            self._read_body = self.rfile.read(length) if length else None
        return self._read_body

    def _exists(self, resource: str) -> bool:
        bucket, _, name = resource.removeprefix("projects/_/buckets/").partition("/objects/")
        status, _, _ = self.server.emulator("GET", f"/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}")
        return status == 200

    def _denied(self) -> bool:
        """Check the call's permission (with `iam`); True when it was refused and answered."""
        if self.server.iam is None:
            return False
        url = urllib.parse.urlsplit(self.path)
        request = Request(
            method=self.command,
            path=urllib.parse.unquote(url.path),
            query=urllib.parse.parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self._body() or b"",
        )
        try:
            self.server.iam.check("storage", request, exists=self._exists)
        except ApiError as error:
            self._reply(error.code, json.dumps(error.body()).encode(), [("Content-Type", "application/json")])
            return True
        return False

    def _forward(self) -> None:
        self._record()
        if self._denied():
            return
        body = self._body()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
        status, response_headers, payload = self.server.emulator(self.command, self.path, body, headers)
        if self.path.startswith("/upload/") and status == 200:
            try:
                name = json.loads(payload).get("name")
            except ValueError:
                name = None
            if name:
                with self.server.traffic.lock:
                    self.server.traffic.uploads.append(name)
        self._reply(status, payload, response_headers)

    do_GET = do_POST = do_PUT = do_PATCH = _forward

    def do_DELETE(self) -> None:
        self._record()
        if self._denied():
            return
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/")
        if len(parts) < 7 or parts[1:4] != ["storage", "v1", "b"] or parts[5] != "o":
            return self._forward()
        bucket, name = parts[4], urllib.parse.unquote("/".join(parts[6:]))
        query = urllib.parse.parse_qs(url.query)
        status, _, payload = self.server.emulator(
            "GET", f"/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}"
        )
        if status == 404:
            return self._reply(404, _gcs_error(404, "notFound", f"No such object: {bucket}/{name}"))
        generation = json.loads(payload)["generation"]
        expected = query.get("ifGenerationMatch", query.get("generation", [generation]))[0]
        if str(expected) != str(generation):
            return self._reply(
                412,
                _gcs_error(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold."),
            )
        status, headers, payload = self.server.emulator(
            "DELETE", f"/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}"
        )
        if status not in (200, 204):
            return self._reply(status, payload, headers)
        with self.server.traffic.lock:
            self.server.traffic.deletions.append(name)
        self._reply(204, b"")
