"""The shared base of every local Google Cloud stand-in: a small JSON HTTP server on loopback.

A stand-in is a `StandIn` with routes added by `route(method, pattern)`. It serves on 127.0.0.1 only, on a free
port (or the one given), one thread per connection, and answers the way Google's REST APIs do:

- a handler gets a `Request` and returns a JSON-able value (200), a `(status, body)` pair, or a `Response`;
- it raises `ApiError(code, message)` for an error: the body is Google's
  `{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT", "details": [...]}}`;
- an unknown path is a 404 NOT_FOUND and any exception in a handler a 500 INTERNAL, in that same shape.

Faults for tests and benchmarks (latency, N x 429, N x 5xx, on the requests whose path matches a regular
expression) are set with the Python API `add_fault(...)` / `clear_faults()` or over HTTP on the admin endpoint:

    POST   /_admin/faults     {"path": "generateContent", "status": 429, "times": 2}   -> {"id": 1}
    POST   /_admin/faults     {"path": ".*", "latency": 0.5}                            (every request, forever)
    POST   /_admin/faults     {"path": "tuningJobs$", "status": 503, "after": true}    (a lost response)
    DELETE /_admin/faults                                                              (remove them all)
    GET    /_admin/requests   the requests served so far: [{"method", "path", "status"}]
    GET    /_admin/health     {"status": "ok", "name": ...}

With `after`, the handler runs first (its side effect stays) and the error replaces its answer: what a client
sees when a response is lost after the service acted. Admin paths never get faults. Every request (method, path,
query, JSON body, status) is also kept in `requests` so that tests can assert what a real client sent.

API (stable; other stand-ins are built on it): `StandIn(name, host, port)`, `.route`, `.start()`, `.stop()`,
context manager, `.url`, `.port`, `.add_fault`, `.clear_faults`, `.requests`, `.reset_requests()`;
`Request`, `Response`, `ApiError`, `STATUS_NAMES`.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = "127.0.0.1"
ADMIN_PREFIX = "/_admin/"

# google.rpc.Code names by HTTP status, as Google's REST APIs send them in error.status.
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error answer in Google's shape; `status` defaults to the google.rpc.Code name of `code`."""

    def __init__(self, code: int, message: str, status: str | None = None, details: list | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details or []

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status, "details": self.details}}


@dataclass
class Request:
    """What a handler gets: the path's named groups in `params`, the query string as lists in `query`."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter `name`."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON ({} when empty); a body that is not JSON is Google's 400."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise ApiError(400, f"Invalid JSON payload received. {error}") from None


@dataclass
class Response:
    """A full answer: `body` is sent as JSON unless it is bytes (then `content_type` says what it is)."""

    status: int = 200
    body: Any = None
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """Delay `latency` seconds and/or answer `status` on requests whose path matches `path` (and `method`).

    `times` is how many requests it affects (None: every one); it is removed once spent. `after`: the handler
    runs first and the error replaces its answer (a lost response).
    """

    path: str
    status: int | None = None
    latency: float = 0.0
    times: int | None = None
    method: str | None = None
    message: str | None = None
    after: bool = False
    id: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and re.search(self.path, path) is not None


Handler = Callable[[Request], Any]


class StandIn:
    """A threaded JSON HTTP server bound to 127.0.0.1 with regex routes, Google error bodies and fault injection.

    With `iam` (an iam_front.IamFront), every request but the admin ones is first checked for the permission its
    REST method needs, as the service `iam_service` (a subclass names it), before faults and routes."""

    iam_service: str | None = None

    def __init__(self, name: str = "stand-in", host: str = LOOPBACK, port: int = 0, *, iam=None):
        if host not in (LOOPBACK, "localhost"):
            raise ValueError(f"stand-ins bind to loopback only, not {host!r}")
        self.name = name
        self.iam = iam
        self.host = LOOPBACK
        self._port = port
        self._routes: list[tuple[str, re.Pattern, Handler]] = []
        self._faults: list[Fault] = []
        self._next_fault_id = 1
        self._lock = threading.Lock()
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- routes -------------------------------------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Decorator: serve `method` requests whose whole path matches the regular expression `pattern`.

        Named groups (`(?P<model>[^/:]+)`) are passed in `request.params`. Routes are tried in the order added.
        """

        def add(handler: Handler) -> Handler:
            self._routes.append((method.upper(), re.compile(pattern), handler))
            return handler

        return add

    # --- faults -------------------------------------------------------------------------------------------

    def add_fault(
        self,
        path: str = ".*",
        *,
        status: int | None = None,
        latency: float = 0.0,
        times: int | None = None,
        method: str | None = None,
        message: str | None = None,
        after: bool = False,
    ) -> int:
        """Inject a fault on requests whose path matches the regex `path`; returns its id.

        `status` (e.g. 429, 500, 503) answers with Google's error body for that code instead of the handler;
        `latency` delays the answer; `times` limits how many requests are affected (None: all); `after` runs the
        handler first, then answers `status` (the side effect happened, the response is lost).
        """
        if status is None and not latency:
            raise ValueError("a fault needs a status, a latency or both")
        if after and status is None:
            raise ValueError("an `after` fault needs a status")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"fault status must be an HTTP error code (400-599), got {status}")
        if times is not None and times < 1:
            raise ValueError(f"fault times must be at least 1 (or None for every request), got {times}")
        re.compile(path)
        with self._lock:
            fault = Fault(path, status, float(latency), times, method, message, bool(after), self._next_fault_id)
            self._next_fault_id += 1
            self._faults.append(fault)
            return fault.id

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- life ---------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> StandIn:
        if self._server is not None:
            return self
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"standin": self})
        self._server = ThreadingHTTPServer((self.host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Run in the foreground until SIGINT or SIGTERM (for `python -m scripts.local.cloud.<stand-in>`)."""
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        self.start()
        try:
            stopping.wait()
        finally:
            self.stop()

    # --- dispatch -----------------------------------------------------------------------------------------

    def _admin(self, request: Request) -> Any:
        name = request.path[len(ADMIN_PREFIX) :]
        if name == "health" and request.method == "GET":
            return {"status": "ok", "name": self.name}
        if name == "requests" and request.method == "GET":
            with self._lock:
                return [{k: entry[k] for k in ("method", "path", "status")} for entry in self.requests]
        if name == "faults" and request.method == "POST":
            spec = request.json()
            if not isinstance(spec, dict):
                raise ApiError(400, "fault must be a JSON object")
            unknown = set(spec) - {"path", "status", "latency", "times", "method", "message", "after"}
            if unknown:
                raise ApiError(400, f"unknown fault fields {sorted(unknown)}")
            try:
                return {"id": self.add_fault(**{"path": ".*", **spec})}
            except (ValueError, TypeError, re.error) as error:
                raise ApiError(400, str(error)) from None
        if name == "faults" and request.method == "DELETE":
            self.clear_faults()
            return {}
        raise ApiError(404, f"no admin endpoint {request.method} {request.path}")

    def iam_context(self, request: Request) -> dict[str, str]:
        """Values the IAM check's resource names need beyond the path (a subclass adds its own)."""
        return {}

    def _fault_error(self, fault: Fault) -> ApiError:
        return ApiError(fault.status, fault.message or f"injected fault: HTTP {fault.status} ({self.name})")

    def dispatch(self, request: Request) -> Response:
        """Route one request to its handler (after faults) and turn the result into a `Response`."""
        try:
            if request.path.startswith(ADMIN_PREFIX):
                return _as_response(self._admin(request))
            if self.iam is not None:
                self.iam.check(self.iam_service, request, context=self.iam_context(request))
            fault = self._take_fault(request.method, request.path)
            if fault is not None:
                if fault.latency:
                    time.sleep(fault.latency)
                if fault.status is not None and not fault.after:
                    raise self._fault_error(fault)
            path_matched = False
            for method, pattern, handler in self._routes:
                match = pattern.fullmatch(request.path)
                if match is None:
                    continue
                path_matched = True
                if method != request.method:
                    continue
                request.params = {k: v for k, v in match.groupdict().items() if v is not None}
                response = _as_response(handler(request))
                if fault is not None and fault.after:
                    raise self._fault_error(fault)
                return response
            if path_matched:
                raise ApiError(405, f"method {request.method} is not allowed on {request.path}", "UNIMPLEMENTED")
            raise ApiError(404, f"{self.name}: no such resource {request.method} {request.path}")
        except ApiError as error:
            return Response(error.code, error.body())
        except Exception as error:  # a bug in a stand-in: answer like a server would, and say what it was
            return Response(500, ApiError(500, f"{self.name}: {type(error).__name__}: {error}").body())


def _as_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        return Response(result[0], result[1])
    return Response(200, result)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' connection pools expect
    standin: StandIn

    def _serve(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=urllib.parse.unquote(url.path),
            query=urllib.parse.parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.standin.dispatch(request)
        if isinstance(response.body, bytes):
            payload = response.body
        elif response.body is None:
            payload = b""
        else:
            payload = json.dumps(response.body).encode()
        if not request.path.startswith(ADMIN_PREFIX):
            with self.standin._lock:
                self.standin.requests.append(
                    {
                        "method": request.method,
                        "path": request.path,
                        "query": request.query,
                        "body": _maybe_json(body),
                        "status": response.status,
                    }
                )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args) -> None:  # quiet: tests read `requests` instead
        pass


def _maybe_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body
