"""A local stand-in of the two BigQuery REST calls the usage ledger makes, for the real google-cloud-bigquery client.

- `tabledata.insertAll`: rows are checked against the ledger's schema file as BigQuery would (unknown
  column, missing REQUIRED value, wrong type -> insertErrors for that row); a repeated insertId is dropped
  (BigQuery's best-effort de-duplication); the table must be the one created from the schema.
- `jobs.query`: only the ledger's daily-total query is understood (any other SQL is rejected with 400):
  it must read the ledger table with a NAMED DATE parameter `day` and standard SQL; it answers the sums
  over the stored rows of that day, in the REST shape (`rows[].f[].v` strings).

Faults are injected per request: `fail_next("insertAll", 503)` answers 503 before storing, with
`after_write=True` it stores the rows first and then answers 503 (a response lost on the way back).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from genops.usage.bigquery import DAILY_TOTAL_SQL
from genops.usage.rows import schema

STATUS = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
REASON = {400: "invalid", 404: "notFound", 429: "rateLimitExceeded", 500: "backendError", 503: "backendError"}


@dataclass
class Fault:
    status: int
    after_write: bool = False


@dataclass
class BigQueryStandIn:
    project: str
    dataset: str
    table: str
    rows: dict[str, dict] = field(default_factory=dict)  # insertId -> row, in arrival order
    requests: list[tuple[str, dict]] = field(default_factory=list)
    faults: dict[str, deque] = field(default_factory=lambda: {"insertAll": deque(), "query": deque()})

    def __post_init__(self):
        self.fields = {f["name"]: f for f in schema()}
        self.lock = threading.Lock()

    @property
    def fqn(self) -> str:
        return f"{self.project}.{self.dataset}.{self.table}"

    def fail_next(self, call: str, status: int, *, after_write: bool = False, times: int = 1) -> None:
        for _ in range(times):
            self.faults[call].append(Fault(status, after_write))

    # --- request handling -------------------------------------------------------------------------

    def handle(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        self.requests.append((path, body))
        insert = re.fullmatch(r"/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/insertAll", path)
        if method == "POST" and insert:
            return self._insert(insert.groups(), body)
        if method == "POST" and path == f"/bigquery/v2/projects/{self.project}/queries":
            return self._query(body)
        return _error(404, f"Not found: {method} {path}")

    def _fault(self, call: str) -> Fault | None:
        return self.faults[call].popleft() if self.faults[call] else None

    def _insert(self, target: tuple[str, str, str], body: dict) -> tuple[int, dict]:
        if target != (self.project, self.dataset, self.table):
            return _error(404, f"Not found: Table {'.'.join(target)}")
        if set(body) - {"rows", "skipInvalidRows", "ignoreUnknownValues", "templateSuffix", "kind"}:
            return _error(400, f"unknown request fields {sorted(set(body) - {'rows'})}")
        fault = self._fault("insertAll")
        if fault and not fault.after_write:
            return _error(fault.status, "injected failure before the write")
        errors = []
        with self.lock:
            for index, entry in enumerate(body["rows"]):
                if set(entry) != {"insertId", "json"} or not entry["insertId"]:
                    return _error(400, f"row {index}: every row needs an insertId and json")
                problems = self._row_problems(entry["json"])
                if problems:
                    errors.append({"index": index, "errors": [{"reason": "invalid", "message": p} for p in problems]})
            if not errors:  # BigQuery writes no row of a request with invalid rows (skipInvalidRows unset)
                for entry in body["rows"]:
                    self.rows.setdefault(entry["insertId"], entry["json"])
        if fault:
            return _error(fault.status, "injected failure after the write")
        return 200, ({"kind": "bigquery#tableDataInsertAllResponse", "insertErrors": errors} if errors else {})

    def _row_problems(self, row: dict) -> list[str]:
        problems = [f"no such field: {name}" for name in sorted(set(row) - set(self.fields))]
        for name, spec in self.fields.items():
            value = row.get(name)
            if value is None:
                if spec["mode"] == "REQUIRED":
                    problems.append(f"missing required field: {name}")
                continue
            if not _fits(spec["type"], value):
                problems.append(f"{name}: cannot convert {value!r} to {spec['type']}")
        return problems

    def _query(self, body: dict) -> tuple[int, dict]:
        fault = self._fault("query")
        if fault:
            return _error(fault.status, "injected query failure")
        if body.get("useLegacySql") is not False:
            return _error(400, "the ledger query must be standard SQL (useLegacySql: false)")
        if body.get("query") != DAILY_TOTAL_SQL.format(table=self.fqn):
            return _error(
                400, f"the stand-in answers only the ledger's daily total on {self.fqn}: {body.get('query')!r}"
            )
        parameters = body.get("queryParameters") or []
        if body.get("parameterMode") != "NAMED" or [p.get("name") for p in parameters] != ["day"]:
            return _error(400, "Query parameter 'day' not found")
        (day_parameter,) = parameters
        if day_parameter["parameterType"] != {"type": "DATE"}:
            return _error(400, f"day must be a DATE parameter, got {day_parameter['parameterType']}")
        day = date.fromisoformat(day_parameter["parameterValue"]["value"])
        with self.lock:
            rows = [r for r in self.rows.values() if datetime.fromisoformat(r["called_at"]).date() == day]
        priced = [r["estimated_cost_usd"] for r in rows if r.get("estimated_cost_usd") is not None]
        values = [
            str(sum(int(r["total_tokens"]) for r in rows)),
            None if not priced else repr(float(sum(priced))),
            str(sum(1 for r in rows if r.get("estimated_cost_usd") is None and int(r["total_tokens"]) > 0)),
            str(len(rows)),
        ]
        names = [
            ("total_tokens", "INTEGER"),
            ("cost_usd", "FLOAT"),
            ("unpriced_calls", "INTEGER"),
            ("calls", "INTEGER"),
        ]
        return 200, {
            "kind": "bigquery#queryResponse",
            "jobComplete": True,
            "jobReference": {"projectId": self.project, "jobId": f"job_{len(self.requests)}", "location": "US"},
            "schema": {"fields": [{"name": n, "type": t, "mode": "NULLABLE"} for n, t in names]},
            "rows": [{"f": [{"v": v} for v in values]}],
            "totalRows": "1",
        }


def _fits(kind: str, value: Any) -> bool:
    try:
        if kind == "STRING":
            return isinstance(value, str)
        if kind == "INTEGER":
            return not isinstance(value, bool | float) and int(value) == int(str(value))
        if kind == "FLOAT":
            return not isinstance(value, bool) and isinstance(float(value), float)
        if kind == "TIMESTAMP":
            return isinstance(value, str) and datetime.fromisoformat(value) is not None
        if kind == "DATE":
            return isinstance(value, str) and date.fromisoformat(value) is not None
    except (TypeError, ValueError):
        return False
    return False


def _error(status: int, message: str) -> tuple[int, dict]:
    return status, {
        "error": {
            "code": status,
            "message": message,
            "status": STATUS[status],
            "errors": [{"reason": REASON[status], "message": message, "domain": "global"}],
        }
    }


class _Handler(BaseHTTPRequestHandler):
    standin: BigQueryStandIn

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        status, answer = self.standin.handle("POST", self.path.split("?")[0], body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


def serve(standin: BigQueryStandIn) -> tuple[ThreadingHTTPServer, str]:
    """Start the stand-in on a free loopback port; returns the server (call shutdown()) and its base URL."""
    handler = type("Handler", (_Handler,), {"standin": standin})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
