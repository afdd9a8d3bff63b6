"""A Storage JSON API shim in front of fake-gcs-server for the calls the emulator gets wrong (used by gcs.py).

Every request is forwarded unchanged except object deletion: the emulator answers DELETE with 200 and a `null`
body (gcloud 528 then dies with "'NoneType' object has no attribute 'items'") and ignores ifGenerationMatch.
The shim answers as Cloud Storage does: 404 for a missing object, 412 conditionNotMet for another generation,
else 204 with no body. It also records every call, upload and deletion (`traffic`), so tests measure what a
client really sent. gcloud is pointed here (CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE); google-cloud-storage,
which the emulator serves correctly, talks to the emulator directly.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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

    def __init__(self, emulator_port: int):
        self.emulator_port = emulator_port
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
        with self.server.traffic.lock:
            self.server.traffic.requests.append(f"{self.command} {self.path}")

    def _forward(self) -> None:
        self._record()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
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
