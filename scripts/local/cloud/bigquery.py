"""A local stand-in for the BigQuery REST calls the DAGs make, on the shared loopback server (http.py).

Why a stand-in and not an emulator: the BigQuery emulator on PyPI (`bqemulator`) reads a load job's gs:// URIs
from a local directory, not through the Cloud Storage API, so it could not load what a DAG wrote to the GCS
emulator; and it would add DuckDB, gRPC tools and OpenTelemetry to the pinned Composer environment. The
google-cloud-bigquery client (which the provider's BigQueryHook and GCSToBigQueryOperator use) reaches this
server through its standard setting `BIGQUERY_EMULATOR_HOST`.

What it serves, as the real API does (paths under /bigquery/v2):

- `jobs.insert` for load jobs from Cloud Storage (NEWLINE_DELIMITED_JSON): every request body is checked
  against BigQuery's own discovery document (unknown field or wrong type: 400 INVALID_ARGUMENT, naming the
  field), the load configuration is read with google.cloud.bigquery's `LoadJobConfig`, a duplicate job id is
  409 "Already Exists" (a retried load with a deterministic id reattaches), and the rows are read from the
  GCS emulator and checked against the table schema (unknown field, missing REQUIRED value, wrong type, bare
  NaN: the job fails with BigQuery's `invalid` error and loads nothing). A schema given with the load must
  match the table's. The job is RUNNING until its first `jobs.get`, then DONE.
- `jobs.get` (404 for an unknown job or another location), `datasets.get/insert`, `tables.get/insert`,
  `tabledata.list` (the rows, encoded as BigQuery encodes them), so tests can count what was loaded.
- `tabledata.insertAll` (the usage ledger's streaming writes): the body is checked against the discovery
  document, every row against the table schema as a load checks it (a bad row is an `insertErrors` entry and,
  without `skipInvalidRows`, no row of the request is written), and a repeated `insertId` is dropped
  (BigQuery's best-effort de-duplication, what makes the ledger's retried write safe).
- `jobs.query` for the DAGs' own query shapes only (QUERIES): the usage ledger's daily total (`DAILY_TOTAL_SQL` in
  dags/genops/usage/bigquery.py: token and cost sums of one table's rows whose `DATE(called_at)` is a named DATE
  parameter) and one run's total, the newest model_evaluations row of a configuration and whether an evaluation
  row is stored (dags/genops/gates/baseline.py), each matched whitespace-insensitively and computed over the
  stored rows. Any other SQL, legacy SQL or
  a parameter of another type or name is refused with BigQuery's error (501 for SQL this stand-in cannot run,
  400 for a bad parameter), never answered with a made-up result.

Query jobs through `jobs.insert` and other source formats answer 501 UNIMPLEMENTED, saying so. When `tokens`
is given, every call must carry a bearer token the local token endpoint issued (401 otherwise),
as the real API requires.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scripts.local.cloud.http import ApiError, Request, Response, StandIn

API = r"/bigquery/v2/projects/(?P<project>[^/]+)"
WRITE_DISPOSITIONS = {"WRITE_APPEND", "WRITE_TRUNCATE", "WRITE_EMPTY"}
CREATE_DISPOSITIONS = {"CREATE_IF_NEEDED", "CREATE_NEVER"}


class BigQueryError(ApiError):
    """Google's error body plus BigQuery's `errors: [{reason, message, domain}]`, which clients read."""

    def __init__(self, code: int, reason: str, message: str):
        super().__init__(code, message)
        self.reason = reason

    def body(self) -> dict:
        body = super().body()
        body["error"]["errors"] = [{"message": self.message, "domain": "global", "reason": self.reason}]
        return body


class JobFailed(Exception):
    """A job that ran and failed: it ends DONE with this `errorResult` (not an HTTP error)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.result = {"reason": reason, "message": message}


# --- request validation against BigQuery's discovery document ---------------------------------------------


@cache
def discovery() -> dict:
    """BigQuery v2's REST schemas, as shipped with google-api-python-client (offline)."""
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "bigquery.v2.json"
    return json.loads(path.read_text())["schemas"]


def check_body(value: Any, schema: str | dict, where: str) -> None:
    """Raise 400 INVALID_ARGUMENT for a field the schema does not define or a value of the wrong JSON type."""
    if isinstance(schema, str):
        schema = {"$ref": schema}
    if "$ref" in schema:
        schema = discovery()[schema["$ref"]]
    kind = schema.get("type")
    if value is None or kind == "any":
        return
    if kind == "object":
        if not isinstance(value, dict):
            raise BigQueryError(400, "invalid", f"Invalid value at '{where}': expected an object, got {value!r}")
        properties = schema.get("properties")
        for key, item in value.items():
            if properties is not None:
                if key not in properties:
                    raise BigQueryError(
                        400,
                        "invalid",
                        f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': Cannot find field.",
                    )
                check_body(item, properties[key], f"{where}.{key}")
            elif "additionalProperties" in schema:
                check_body(item, schema["additionalProperties"], f"{where}.{key}")
    elif kind == "array":
        if not isinstance(value, list):
            raise BigQueryError(400, "invalid", f"Invalid value at '{where}': expected a list, got {value!r}")
        for index, item in enumerate(value):
            check_body(item, schema["items"], f"{where}[{index}]")
    elif kind == "boolean" and not isinstance(value, bool):
        raise BigQueryError(400, "invalid", f"Invalid value at '{where}' (TYPE_BOOL), {json.dumps(value)}")
    elif kind == "integer" or schema.get("format") in ("int64", "uint64"):
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
            raise BigQueryError(400, "invalid", f"Invalid value at '{where}' (TYPE_INT64), {json.dumps(value)}")
    elif kind == "string" and not isinstance(value, str):
        raise BigQueryError(400, "invalid", f"Invalid value at '{where}' (TYPE_STRING), {json.dumps(value)}")
    elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise BigQueryError(400, "invalid", f"Invalid value at '{where}' (TYPE_DOUBLE), {json.dumps(value)}")


# --- rows and schemas -------------------------------------------------------------------------------------


def _reject(*_args) -> None:
    raise ValueError("NaN and Infinity are not JSON")


def parse_ndjson(text: str, source: str) -> list[dict]:
    rows = []
    position = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            try:
                row = json.loads(line, parse_constant=_reject)
            except ValueError as err:
                raise JobFailed(
                    "invalid",
                    f"Error while reading data, error message: JSON table encountered too many errors, giving up. "
                    f"Rows: {len(rows) + 1}; errors: 1. JSON parsing error in row starting at position {position}: "
                    f"{err}. File: {source}",
                ) from None
            if not isinstance(row, dict):
                raise JobFailed("invalid", f"JSON parsing error in row starting at position {position}: not an object")
            rows.append(row)
        position += len(line.encode())
    return rows


def _timestamp(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(" UTC", "+00:00").replace(" ", "T", 1)
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "STRING": lambda v: v if isinstance(v, str) else _bad(),
    "INTEGER": lambda v: int(v) if not isinstance(v, bool | float) and str(v).lstrip("-").isdigit() else _bad(),
    "FLOAT": lambda v: float(v) if not isinstance(v, bool) else _bad(),
    "NUMERIC": lambda v: float(v) if not isinstance(v, bool) else _bad(),
    "BOOLEAN": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[str(v).lower()],
    "TIMESTAMP": _timestamp,
    "DATE": lambda v: dt.date.fromisoformat(v).isoformat(),
    "DATETIME": lambda v: dt.datetime.fromisoformat(v).isoformat(),
    "JSON": lambda v: v,
}
ALIASES = {"INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN", "STRUCT": "RECORD", "BIGNUMERIC": "NUMERIC"}


def _bad():
    raise ValueError


def field_type(schema_field: dict) -> str:
    kind = schema_field.get("type", "STRING").upper()
    return ALIASES.get(kind, kind)


def convert_row(row: dict, fields: list[dict], ignore_unknown: bool, where: str = "") -> dict:
    """The row checked against the schema fields, values converted; ValueError names the problem."""
    names = {f["name"].lower(): f for f in fields}
    unknown = [key for key in row if key.lower() not in names]
    if unknown and not ignore_unknown:
        raise ValueError(f"No such field: {where}{unknown[0]}.")
    out = {}
    given = {key.lower(): value for key, value in row.items()}
    for name, schema_field in names.items():
        value, mode = given.get(name), schema_field.get("mode", "NULLABLE").upper()
        label = f"{where}{schema_field['name']}"
        if value is None:
            if mode == "REQUIRED":
                raise ValueError(f"Missing required field: {label}.")
            out[schema_field["name"]] = [] if mode == "REPEATED" else None
            continue
        values = value if mode == "REPEATED" else [value]
        if mode == "REPEATED" and not isinstance(value, list):
            raise ValueError(f"Array specified for non-repeated field or vice versa: {label}.")
        converted = []
        for item in values:
            if field_type(schema_field) == "RECORD":
                if not isinstance(item, dict):
                    raise ValueError(f"Cannot convert value to record: {label}.")
                converted.append(convert_row(item, schema_field.get("fields", []), ignore_unknown, f"{label}."))
                continue
            converter = CONVERTERS.get(field_type(schema_field))
            if converter is None:
                raise ValueError(f"field {label} has type {schema_field.get('type')}, which this stand-in cannot load")
            try:
                converted.append(converter(item))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise ValueError(
                    f"Could not convert value {json.dumps(item)} to {field_type(schema_field).lower()}. Field: {label}."
                ) from None
        out[schema_field["name"]] = converted if mode == "REPEATED" else converted[0]
    return out


def encode_cell(value: Any, schema_field: dict, int64_timestamps: bool) -> Any:
    """A value as tabledata.list returns it: strings for scalars, {"f": [...]} for records, [{"v": ...}] lists."""
    if schema_field.get("mode", "").upper() == "REPEATED":
        return [{"v": encode_cell(item, {**schema_field, "mode": "NULLABLE"}, int64_timestamps)} for item in value]
    if value is None:
        return None
    kind = field_type(schema_field)
    if kind == "RECORD":
        return {"f": [{"v": encode_cell(value[f["name"]], f, int64_timestamps)} for f in schema_field["fields"]]}
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if kind == "TIMESTAMP":
        return str(round(value * 1_000_000)) if int64_timestamps else repr(value)
    if kind in ("FLOAT", "NUMERIC"):
        return "NaN" if math.isnan(value) else repr(value)
    if kind == "JSON":
        return json.dumps(value)
    return str(value)


def same_schema(given: list[dict], table: list[dict]) -> str | None:
    """Why a schema sent with a load does not match the table's (None when it does), as BigQuery says it."""
    mine = {f["name"].lower(): f for f in table}
    theirs = {f["name"].lower(): f for f in given}
    for name, schema_field in mine.items():
        if name not in theirs:
            return f"Field {schema_field['name']} is missing in new schema"
    for name, schema_field in theirs.items():
        if name not in mine:
            return f"Field {schema_field['name']} is not in the table schema"
        other = mine[name]
        if field_type(schema_field) != field_type(other):
            return (
                f"Field {schema_field['name']} has changed type from {field_type(other)} to {field_type(schema_field)}"
            )
        if schema_field.get("mode", "NULLABLE").upper() != other.get("mode", "NULLABLE").upper():
            return (
                f"Field {schema_field['name']} has changed mode from {other.get('mode', 'NULLABLE')} "
                f"to {schema_field.get('mode', 'NULLABLE')}"
            )
    return None


# --- the one query it answers -----------------------------------------------------------------------------

# The usage ledger's daily total (dags/genops/usage/bigquery.py DAILY_TOTAL_SQL), whitespace collapsed.
DAILY_TOTAL = re.compile(
    re.escape(
        "SELECT COALESCE(SUM(total_tokens), 0) AS total_tokens, SUM(estimated_cost_usd) AS cost_usd, "
        "COUNTIF(estimated_cost_usd IS NULL AND total_tokens > 0) AS unpriced_calls, COUNT(*) AS calls "
        "FROM `TABLE` WHERE DATE(called_at) = @PARAMETER"
    )
    .replace("TABLE", r"(?P<table>[A-Za-z0-9_.-]+)")
    .replace("PARAMETER", r"(?P<parameter>[A-Za-z_][A-Za-z0-9_]*)")
)


def _date_parameter(body: dict, name: str) -> dt.date:
    """The value of the named DATE query parameter `name`, or BigQuery's 400 for what is wrong with it."""
    value = _scalar_parameter(body, name, "DATE")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BigQueryError(400, "invalidQuery", f"Invalid DATE value for parameter '{name}': {value!r}") from None


def _scalar_parameter(body: dict, name: str, kind: str) -> str:
    """The value of the named `kind` query parameter `name`, or BigQuery's 400 for what is wrong with it."""
    parameters = body.get("queryParameters") or []
    if body.get("parameterMode") != "NAMED":
        raise BigQueryError(400, "invalidQuery", f"Query parameter '{name}' not found at [1:1]: NAMED mode required")
    given = [p for p in parameters if p.get("name") == name]
    if not given:
        raise BigQueryError(400, "invalidQuery", f"Query parameter '{name}' not found")
    given_kind = (given[0].get("parameterType") or {}).get("type")
    if given_kind != kind:
        raise BigQueryError(
            400, "invalidQuery", f"No matching signature for operator = for argument types: {kind}, {given_kind}"
        )
    value = (given[0].get("parameterValue") or {}).get("value")
    if not isinstance(value, str):
        raise BigQueryError(400, "invalidQuery", f"Invalid {kind} value for parameter '{name}': {value!r}")
    return value


def _shape(sql: str, *parameters: str) -> re.Pattern:
    """A query shape: `sql` with TABLE and each named parameter as capture groups, whitespace collapsed."""
    pattern = re.escape(" ".join(sql.split())).replace("TABLE", r"(?P<table>[A-Za-z0-9_.-]+)")
    for parameter in parameters:
        pattern = pattern.replace(parameter.upper(), rf"(?P<{parameter}>[A-Za-z_][A-Za-z0-9_]*)")
    return re.compile(pattern)


def _require_columns(table: Table, *names: str) -> None:
    known = {f["name"] for f in table.schema}
    for name in names:
        if name not in known:
            raise BigQueryError(400, "invalidQuery", f"Unrecognized name: {name}")


def _daily_total(standin, table: Table, match: re.Match, body: dict):
    day = _date_parameter(body, match["parameter"])
    _require_columns(table, "called_at", "total_tokens", "estimated_cost_usd")
    rows = [r for r in table.rows if dt.datetime.fromtimestamp(r["called_at"], dt.UTC).date() == day]
    return _totals(rows, unpriced=True)


def _totals(rows: list[dict], *, unpriced: bool):
    priced = [r["estimated_cost_usd"] for r in rows if r["estimated_cost_usd"] is not None]
    result = {
        "total_tokens": sum(r["total_tokens"] for r in rows),
        "cost_usd": sum(priced) if priced else None,
        **(
            {"unpriced_calls": sum(1 for r in rows if r["estimated_cost_usd"] is None and r["total_tokens"] > 0)}
            if unpriced
            else {}
        ),
        "calls": len(rows),
    }
    fields = [
        {"name": name, "type": "FLOAT" if name == "cost_usd" else "INTEGER", "mode": "NULLABLE"} for name in result
    ]
    return fields, [result]


def _run_total(standin, table: Table, match: re.Match, body: dict):
    dag_id = _scalar_parameter(body, match["dag"], "STRING")
    run_id = _scalar_parameter(body, match["run"], "STRING")
    _require_columns(table, "dag_id", "run_id", "total_tokens", "estimated_cost_usd")
    return _totals([r for r in table.rows if r["dag_id"] == dag_id and r["run_id"] == run_id], unpriced=False)


def _latest_of_config(standin, table: Table, match: re.Match, body: dict):
    model_config = _scalar_parameter(body, match["config"], "STRING")
    _require_columns(table, "model_config", "evaluated_at")
    rows = sorted((r for r in table.rows if r["model_config"] == model_config), key=lambda r: r["evaluated_at"])
    return table.schema, rows[-1:]


def _rows_with_id(standin, table: Table, match: re.Match, body: dict):
    evaluation_id = _scalar_parameter(body, match["id"], "STRING")
    _require_columns(table, "evaluation_id")
    count = sum(1 for r in table.rows if r["evaluation_id"] == evaluation_id)
    return [{"name": "row_count", "type": "INTEGER", "mode": "NULLABLE"}], [{"row_count": count}]


# The queries the DAGs send, each answered over the stored rows. Any other SQL is refused (501).
QUERIES = [
    (DAILY_TOTAL, _daily_total),
    (
        # genops.usage.bigquery RUN_TOTAL_SQL: one DAG run's spend.
        _shape(
            "SELECT COALESCE(SUM(total_tokens), 0) AS total_tokens, SUM(estimated_cost_usd) AS cost_usd, "
            "COUNT(*) AS calls FROM `TABLE` WHERE dag_id = @DAG AND run_id = @RUN",
            "dag",
            "run",
        ),
        _run_total,
    ),
    (
        # genops.gates.baseline LATEST_SQL: the newest model_evaluations row of one configuration.
        _shape("SELECT * FROM `TABLE` WHERE model_config = @CONFIG ORDER BY evaluated_at DESC LIMIT 1", "config"),
        _latest_of_config,
    ),
    (
        # genops.gates.baseline ROWS_WITH_ID_SQL: is this evaluation row stored already?
        _shape("SELECT COUNT(*) AS row_count FROM `TABLE` WHERE evaluation_id = @ID", "id"),
        _rows_with_id,
    ),
]


# --- the service ------------------------------------------------------------------------------------------


@dataclass
class Table:
    project: str
    dataset: str
    table_id: str
    schema: list[dict]
    location: str
    rows: list[dict] = field(default_factory=list)
    streamed: list[tuple[str, dict]] = field(default_factory=list)  # (insertId, row as sent) written, in order
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def resource(self) -> dict:
        return {
            "kind": "bigquery#table",
            "id": f"{self.project}:{self.dataset}.{self.table_id}",
            "tableReference": {"projectId": self.project, "datasetId": self.dataset, "tableId": self.table_id},
            "schema": {"fields": self.schema},
            "numRows": str(len(self.rows)),
            "type": "TABLE",
            "location": self.location,
            "creationTime": str(self.created_ms),
            "lastModifiedTime": str(self.created_ms),
        }


def _now_ms() -> str:
    return str(int(time.time() * 1000))


class BigQueryStandIn(StandIn):
    """BigQuery's datasets, tables, tabledata.list and load jobs, in memory, reading sources from `gcs_url`."""

    iam_service = "bigquery"

    def __init__(
        self, gcs_url: str | None = None, *, tokens: Callable[[str], bool] | None = None, port: int = 0, iam=None
    ):
        super().__init__("bigquery", port=port, iam=iam)
        self.gcs_url = (gcs_url or "").rstrip("/")  # None: no Cloud Storage, a load's source is not found
        self.tokens = tokens
        self.datasets: dict[tuple[str, str], dict] = {}
        self.tables: dict[tuple[str, str, str], Table] = {}
        self.jobs: dict[tuple[str, str], dict] = {}
        self._state = threading.Lock()
        self.route("POST", API + "/jobs")(self._insert_job)
        self.route("GET", API + "/jobs/(?P<job>[^/]+)")(self._get_job)
        self.route("GET", API + "/datasets/(?P<dataset>[^/]+)")(self._get_dataset)
        self.route("POST", API + "/datasets")(self._insert_dataset)
        self.route("GET", API + "/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)")(self._get_table)
        self.route("POST", API + "/datasets/(?P<dataset>[^/]+)/tables")(self._insert_table)
        self.route("GET", API + "/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)/data")(self._list_rows)
        self.route("POST", API + "/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)/insertAll")(self._insert_all)
        self.route("POST", API + "/queries")(self._query)

    @property
    def emulator_host(self) -> str:
        """The value of BIGQUERY_EMULATOR_HOST that points google-cloud-bigquery here."""
        return self.url

    def dispatch(self, request: Request):
        if self.tokens and not request.path.startswith("/_admin/"):
            token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not self.tokens(token):
                error = BigQueryError(401, "unauthorized", "Request had invalid authentication credentials.")
                return Response(401, error.body())
        return super().dispatch(request)

    # --- provisioning (what Terraform creates), also over HTTP ----------------------------------------------

    def create_dataset(self, project: str, dataset: str, location: str) -> dict:
        with self._state:
            if (project, dataset) in self.datasets:
                raise BigQueryError(409, "duplicate", f"Already Exists: Dataset {project}:{dataset}")
            resource = {
                "kind": "bigquery#dataset",
                "id": f"{project}:{dataset}",
                "datasetReference": {"projectId": project, "datasetId": dataset},
                "location": location,
                "creationTime": _now_ms(),
            }
            self.datasets[(project, dataset)] = resource
            return resource

    def create_table(self, project: str, dataset: str, table_id: str, schema: list[dict]) -> Table:
        check_body(schema, {"type": "array", "items": {"$ref": "TableFieldSchema"}}, "table.schema.fields")
        with self._state:
            location = self._dataset(project, dataset)["location"]
            if (project, dataset, table_id) in self.tables:
                raise BigQueryError(409, "duplicate", f"Already Exists: Table {project}:{dataset}.{table_id}")
            table = Table(project, dataset, table_id, schema, location)
            self.tables[(project, dataset, table_id)] = table
            return table

    def rows(self, project: str, dataset: str, table_id: str) -> list[dict]:
        """The rows loaded so far (for tests)."""
        return list(self._table(project, dataset, table_id).rows)

    def table(self, project: str, dataset: str, table_id: str) -> Table:
        """The table itself (for tests: its schema, rows and streamed rows)."""
        return self._table(project, dataset, table_id)

    def insert_all(
        self, project: str, dataset: str, table_id: str, rows: list[tuple[str, dict]], *, skip_invalid: bool = False,
        ignore_unknown: bool = False,
    ) -> list[dict]:  # fmt: skip
        """Stream `(insertId, row)` pairs as tabledata.insertAll does; returns its `insertErrors` ([] if none).

        Each row is checked against the table schema; with an invalid row and not `skip_invalid`, nothing is
        written. A row whose insertId was already streamed into the table is dropped."""
        with self._state:
            table = self._table(project, dataset, table_id)
            checked, errors = [], []
            for index, (insert_id, row) in enumerate(rows):
                try:
                    checked.append((insert_id, row, convert_row(row, table.schema, ignore_unknown)))
                except ValueError as err:
                    errors.append({"index": index, "errors": [{"reason": "invalid", "message": str(err)}]})
            if errors and not skip_invalid:
                for entry in errors:  # BigQuery: the other rows of the request are "stopped", not written
                    entry["errors"].append({"reason": "stopped", "message": ""})
                return errors
            for insert_id, row, converted in checked:
                if insert_id and insert_id in {seen for seen, _ in table.streamed}:
                    continue
                table.streamed.append((insert_id, row))
                table.rows.append(converted)
            return errors

    def _dataset(self, project: str, dataset: str) -> dict:
        try:
            return self.datasets[(project, dataset)]
        except KeyError:
            raise BigQueryError(404, "notFound", f"Not found: Dataset {project}:{dataset}") from None

    def _table(self, project: str, dataset: str, table_id: str) -> Table:
        self._dataset(project, dataset)
        try:
            return self.tables[(project, dataset, table_id)]
        except KeyError:
            raise BigQueryError(404, "notFound", f"Not found: Table {project}:{dataset}.{table_id}") from None

    def _get_dataset(self, request: Request):
        return self._dataset(request.params["project"], request.params["dataset"])

    def _insert_dataset(self, request: Request):
        body = request.json()
        check_body(body, "Dataset", "dataset")
        ref = body.get("datasetReference") or {}
        if not ref.get("datasetId"):
            raise BigQueryError(400, "invalid", "Dataset reference is missing datasetId")
        return self.create_dataset(request.params["project"], ref["datasetId"], body.get("location", "US"))

    def _get_table(self, request: Request):
        p = request.params
        return self._table(p["project"], p["dataset"], p["table"]).resource()

    def _insert_table(self, request: Request):
        body = request.json()
        check_body(body, "Table", "table")
        ref = body.get("tableReference") or {}
        fields = (body.get("schema") or {}).get("fields") or []
        p = request.params
        return self.create_table(p["project"], p["dataset"], ref.get("tableId", ""), fields).resource()

    def _list_rows(self, request: Request):
        p = request.params
        table = self._table(p["project"], p["dataset"], p["table"])
        start = int(request.arg("pageToken") or request.arg("startIndex") or 0)
        size = int(request.arg("maxResults") or 100_000)
        int64 = request.arg("formatOptions.useInt64Timestamp", "false").lower() == "true"
        page = table.rows[start : start + size]
        body = {
            "kind": "bigquery#tableDataList",
            "totalRows": str(len(table.rows)),
            "rows": [{"f": [{"v": encode_cell(row[f["name"]], f, int64)} for f in table.schema]} for row in page],
        }
        if start + size < len(table.rows):
            body["pageToken"] = str(start + size)
        return body

    def _insert_all(self, request: Request):
        body = request.json()
        check_body(body, "TableDataInsertAllRequest", "request")
        if body.get("templateSuffix"):
            raise BigQueryError(501, "notImplemented", "the local BigQuery stand-in has no template tables")
        rows = body.get("rows") or []
        if not rows:
            raise BigQueryError(400, "invalid", "No rows present in the request.")
        for index, entry in enumerate(rows):
            if not isinstance(entry.get("json"), dict):
                raise BigQueryError(400, "invalid", f"Invalid value at 'rows[{index}].json': a row object is required")
        p = request.params
        errors = self.insert_all(
            p["project"], p["dataset"], p["table"], [(entry.get("insertId") or "", entry["json"]) for entry in rows],
            skip_invalid=bool(body.get("skipInvalidRows")), ignore_unknown=bool(body.get("ignoreUnknownValues")),
        )  # fmt: skip
        answer = {"kind": "bigquery#tableDataInsertAllResponse"}
        if errors:
            answer["insertErrors"] = errors
        return answer

    def _query(self, request: Request):
        """jobs.query, for the few query shapes the DAGs send (QUERIES below), computed over the stored rows."""
        project = request.params["project"]
        body = request.json()
        check_body(body, "QueryRequest", "request")
        if body.get("useLegacySql", True) is not False:
            raise BigQueryError(501, "notImplemented", "the local BigQuery stand-in runs standard SQL only")
        sql = " ".join((body.get("query") or "").split())
        found = [(match, answer) for shape, answer in QUERIES if (match := shape.fullmatch(sql)) is not None]
        if not found:
            raise BigQueryError(
                501,
                "notImplemented",
                "the local BigQuery stand-in answers only the DAGs' own queries (QUERIES in "
                f"scripts/local/cloud/bigquery.py), not: {sql[:200]}",
            )
        ((match, answer),) = found
        parts = match["table"].split(".")
        if len(parts) == 2:
            parts.insert(0, project)
        if len(parts) != 3:
            raise BigQueryError(
                400,
                "invalid",
                f'Table name "{match["table"]}" missing dataset while no default dataset is set in the request.',
            )
        with self._state:
            table = self._table(*parts)
            fields, rows = answer(self, table, match, body)
        int64 = bool((body.get("formatOptions") or {}).get("useInt64Timestamp"))  # the client asks for it
        location = body.get("location") or table.location
        job_id = f"job_{uuid.uuid4().hex}"
        reference = {"projectId": project, "jobId": job_id, "location": location}
        with self._state:
            self.jobs[(project, job_id)] = {
                "kind": "bigquery#job",
                "id": f"{project}:{location}.{job_id}",
                "jobReference": reference,
                "configuration": {"jobType": "QUERY", "query": {"query": body["query"], "useLegacySql": False}},
                "status": {"state": "DONE"},
                "statistics": {"creationTime": _now_ms(), "startTime": _now_ms(), "endTime": _now_ms()},
            }
        return {
            "kind": "bigquery#queryResponse",
            "jobComplete": True,
            "jobReference": reference,
            "schema": {"fields": fields},
            "rows": [{"f": [{"v": encode_cell(row[f["name"]], f, int64)} for f in fields]} for row in rows],
            "totalRows": str(len(rows)),
            "totalBytesProcessed": "0",
            "cacheHit": False,
        }

    # --- jobs -----------------------------------------------------------------------------------------------

    def _insert_job(self, request: Request):
        project = request.params["project"]
        body = request.json()
        check_body(body, "Job", "job")
        ref = dict(body.get("jobReference") or {})
        if ref.get("projectId", project) != project:
            raise BigQueryError(400, "invalid", f"Job project {ref['projectId']!r} does not match {project!r}")
        job_id = ref.get("jobId") or f"job_{uuid.uuid4().hex}"
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,1024}", job_id):
            raise BigQueryError(400, "invalid", f'Invalid job ID "{job_id}": only letters, digits, _ and -')
        configuration = body.get("configuration") or {}
        kinds = [kind for kind in ("load", "query", "copy", "extract") if kind in configuration]
        if len(kinds) != 1:
            raise BigQueryError(400, "invalid", "Job configuration must name exactly one of load, query, copy, extract")
        if kinds[0] != "load":
            raise BigQueryError(
                501,
                "notImplemented",
                f"the local BigQuery stand-in runs load jobs only, not {kinds[0]} "
                "(jobs.query answers the usage ledger's daily total, nothing else)",
            )
        from google.cloud.bigquery import LoadJobConfig

        load = LoadJobConfig.from_api_repr(configuration)
        destination = configuration["load"].get("destinationTable") or {}
        if not destination.get("datasetId") or not destination.get("tableId"):
            raise BigQueryError(400, "invalid", "Required parameter is missing: load.destinationTable")
        if not configuration["load"].get("sourceUris"):
            raise BigQueryError(400, "invalid", "Required parameter is missing: load.sourceUris")
        source_format = load.source_format or "CSV"
        if source_format != "NEWLINE_DELIMITED_JSON":
            raise BigQueryError(
                501,
                "notImplemented",
                f"the local BigQuery stand-in loads NEWLINE_DELIMITED_JSON only, not {source_format}",
            )
        for name, value, allowed in (
            ("writeDisposition", load.write_disposition, WRITE_DISPOSITIONS),
            ("createDisposition", load.create_disposition, CREATE_DISPOSITIONS),
        ):
            if value is not None and value not in allowed:
                raise BigQueryError(400, "invalid", f"Invalid value for {name}: {value}")
        dest_project = destination.get("projectId", project)
        with self._state:
            dataset = self.datasets.get((dest_project, destination["datasetId"]))
            location = ref.get("location") or (dataset or {}).get("location") or "US"
            key = (project, job_id)
            if key in self.jobs:
                raise BigQueryError(409, "duplicate", f"Already Exists: Job {project}:{location.upper()}.{job_id}")
            ref.update(projectId=project, jobId=job_id, location=location)
            job = {
                "kind": "bigquery#job",
                "id": f"{project}:{location}.{job_id}",
                "jobReference": ref,
                "configuration": {**configuration, "jobType": "LOAD"},
                "user_email": "local-user@genops-local.invalid",
                "status": {"state": "RUNNING"},
                "statistics": {"creationTime": _now_ms(), "startTime": _now_ms()},
            }
            self.jobs[key] = job
        try:
            loaded = self._run_load(configuration["load"], load, dest_project, location)
            job["statistics"]["load"] = loaded
        except JobFailed as failed:
            job["status"] = {"state": "RUNNING", "errorResult": failed.result, "errors": [failed.result]}
        job["statistics"]["endTime"] = _now_ms()
        return json.loads(json.dumps(job))

    def _get_job(self, request: Request):
        project, job_id = request.params["project"], request.params["job"]
        job = self.jobs.get((project, job_id))
        location = request.arg("location")
        if job is None or (location and location.lower() != job["jobReference"]["location"].lower()):
            where = f"{location.upper()}." if location else ""
            raise BigQueryError(404, "notFound", f"Not found: Job {project}:{where}{job_id}")
        job["status"]["state"] = "DONE"  # RUNNING until the first poll, as a short real job looks
        return json.loads(json.dumps(job))

    def _run_load(self, raw: dict, load, project: str, location: str) -> dict:
        """Read every source, check every row, then write them all (or nothing); returns the load statistics."""
        destination = raw["destinationTable"]
        dataset_id, table_id = destination["datasetId"], destination["tableId"]
        dataset = self.datasets.get((project, dataset_id))
        if dataset is None:
            raise JobFailed("notFound", f"Not found: Dataset {project}:{dataset_id}")
        if dataset["location"].lower() != location.lower():
            raise JobFailed(
                "notFound", f"Not found: Dataset {project}:{dataset_id} was not found in location {location}"
            )
        given_schema = (raw.get("schema") or {}).get("fields")
        table = self.tables.get((project, dataset_id, table_id))
        if table is None:
            if (load.create_disposition or "CREATE_IF_NEEDED") == "CREATE_NEVER":
                raise JobFailed("notFound", f"Not found: Table {project}:{dataset_id}.{table_id}")
            if not given_schema:
                raise JobFailed("invalid", "No schema specified on job or table.")
        elif given_schema and (why := same_schema(given_schema, table.schema)):
            raise JobFailed(
                "invalid", f"Provided Schema does not match Table {project}:{dataset_id}.{table_id}. {why}."
            )
        schema = table.schema if table else given_schema
        rows, read_bytes, bad = [], 0, []
        for uri in raw["sourceUris"]:
            for name, text in self._read_sources(uri):
                read_bytes += len(text.encode())
                for number, row in enumerate(parse_ndjson(text, name), start=1):
                    try:
                        rows.append(convert_row(row, schema, bool(load.ignore_unknown_values)))
                    except ValueError as err:
                        bad.append(f"Error while reading data, error message: row {number}: {err} File: {name}")
        if len(bad) > (load.max_bad_records or 0):
            raise JobFailed("invalid", bad[0])
        with self._state:
            if table is None:
                table = self.tables.setdefault(
                    (project, dataset_id, table_id), Table(project, dataset_id, table_id, schema, location)
                )
            disposition = load.write_disposition or "WRITE_APPEND"
            if disposition == "WRITE_EMPTY" and table.rows:
                raise JobFailed("duplicate", f"Already Exists: Table {project}:{dataset_id}.{table_id}")
            if disposition == "WRITE_TRUNCATE":
                table.rows.clear()
            table.rows.extend(rows)
        return {
            "inputFiles": str(len(raw["sourceUris"])),
            "inputFileBytes": str(read_bytes),
            "outputRows": str(len(rows)),
            "badRecords": str(len(bad)),
        }

    def _read_sources(self, uri: str) -> list[tuple[str, str]]:
        """(uri, text) of each object a gs:// URI names (one trailing * allowed), read from the GCS emulator."""
        match = re.fullmatch(r"gs://([^/]+)/(.+)", uri)
        if not match:
            raise JobFailed("invalid", f"Invalid source URI {uri!r}: expected gs://bucket/object")
        bucket, name = match.groups()
        names = [name]
        if "*" in name:
            prefix = name.split("*", 1)[0]
            listed = self._gcs(f"/storage/v1/b/{bucket}/o?prefix={urllib.parse.quote(prefix)}", uri)
            names = [
                item["name"]
                for item in json.loads(listed).get("items", [])
                if re.fullmatch(re.escape(name).replace(r"\*", ".*"), item["name"])
            ]
            if not names:
                raise JobFailed("notFound", f"Not found: URI {uri}")
        quoted = urllib.parse.quote
        return [
            (f"gs://{bucket}/{n}", self._gcs(f"/storage/v1/b/{bucket}/o/{quoted(n, safe='')}?alt=media", uri))
            for n in names
        ]

    def _gcs(self, path: str, uri: str) -> str:
        if not self.gcs_url:
            raise JobFailed("notFound", f"Not found: URI {uri} (this stand-in was started without Cloud Storage)")
        try:
            with urllib.request.urlopen(self.gcs_url + path, timeout=30) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            if err.code == 404:
                raise JobFailed("notFound", f"Not found: URI {uri}") from None
            raise JobFailed("backendError", f"reading {uri}: HTTP {err.code}") from None
        except UnicodeDecodeError:
            raise JobFailed("invalid", f"{uri} is not UTF-8 text") from None
