"""The BigQuery stand-in through the real clients: google-cloud-bigquery (as the provider's hook builds it, found
through BIGQUERY_EMULATOR_HOST), google-cloud-storage against the GCS emulator, and google-auth loading the local
ADC file (scripts/local/cloud/credentials.py). Nothing here replaces a client method."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import google.auth
import pytest
from google.api_core import exceptions
from google.cloud import bigquery, storage

from tests.conftest import REPO
from tests.ledger_rows import ledger_row
from tests.local_cloud.gcp_env import BUCKET, PROJECT, REGION, local_gcp

DATASET, TABLE = "genops", "customer_feedback"
SCHEMA = json.loads((REPO / "dags" / "genops" / "schemas" / "customer_feedback.json").read_text())


def row(feedback_id: str, **changes) -> dict:
    good = {
        "feedback_id": feedback_id,
        "scored_at": "2026-11-30T12:00:00+00:00",
        "dag_id": "customer_service_feedback",
        "run_id": "manual__1",
        "transcript_uri": f"gs://{BUCKET}/t.txt",
        "model": "gemini-3.8-flash",
        "personalization": 4,
        "competency": 5,
        "convenience": 3,
        "proactiveness": 2,
        "sentiment": "positive",
        "resolved": True,
        "reasoning": "Solved on the first call.",
    }
    return {key: value for key, value in {**good, **changes}.items() if value is not ...}


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    with local_gcp(tmp_path_factory.mktemp("gcp")) as cloud:
        yield cloud


@pytest.fixture
def table(cloud):
    """A fresh customer_feedback table, created as Terraform does (from the same schema file)."""
    cloud.bigquery.tables.clear()
    cloud.bigquery.datasets.clear()
    cloud.bigquery.create_dataset(PROJECT, DATASET, REGION)
    cloud.bigquery.create_table(PROJECT, DATASET, TABLE, SCHEMA)
    return f"{PROJECT}.{DATASET}.{TABLE}"


def client() -> bigquery.Client:
    credentials, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return bigquery.Client(project=project, credentials=credentials, location=REGION)


def stage(name: str, rows: list[dict] | str) -> str:
    text = rows if isinstance(rows, str) else "".join(json.dumps(r) + "\n" for r in rows)
    credentials, project = google.auth.default()
    storage.Client(project=project, credentials=credentials).bucket(BUCKET).blob(name).upload_from_string(text)
    return f"gs://{BUCKET}/{name}"


def load(uri: str, table: str, job_id: str | None = None, **config) -> bigquery.LoadJob:
    job_config = bigquery.LoadJobConfig(
        source_format="NEWLINE_DELIMITED_JSON",
        write_disposition="WRITE_APPEND",
        create_disposition="CREATE_NEVER",
        **config,
    )
    return client().load_table_from_uri(uri, table, job_id=job_id, job_config=job_config)


def test_adc_loads_as_a_developers_own_and_every_call_carries_the_issued_token(cloud, table):
    credentials, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    assert project == PROJECT and credentials.valid and cloud.credentials.issued(credentials.token)

    client().get_table(table)
    sent = [r for r in cloud.bigquery.requests if r["path"].endswith(f"/tables/{TABLE}")]
    assert sent and all(r["status"] == 200 for r in sent)


def test_ndjson_rows_are_loaded_from_the_gcs_emulator_and_read_back_typed(cloud, table):
    uri = stage("loads/two.ndjson", [row("a"), row("b", resolved=False, personalization="1")])
    job = load(uri, table)
    job.result(timeout=30)

    assert job.state == "DONE" and job.output_rows == 2 and job.error_result is None
    rows = list(client().list_rows(table))
    assert [(r["feedback_id"], r["personalization"], r["resolved"]) for r in rows] == [("a", 4, True), ("b", 1, False)]
    assert rows[0]["scored_at"] == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert client().get_table(table).num_rows == 2


def test_a_duplicate_job_id_is_409_already_exists_and_the_first_job_can_be_reattached(cloud, table):
    uri = stage("loads/one.ndjson", [row("a")])
    load(uri, table, job_id="genops_load_1").result(timeout=30)

    with pytest.raises(exceptions.Conflict, match="Already Exists: Job"):
        load(uri, table, job_id="genops_load_1")
    again = client().get_job("genops_load_1", location=REGION)
    assert again.state == "DONE" and again.output_rows == 1
    assert len(cloud.bigquery.rows(PROJECT, DATASET, TABLE)) == 1, "the duplicate loaded nothing"


def test_a_misspelt_configuration_field_is_a_400_naming_it(cloud, table):
    job_config = bigquery.LoadJobConfig.from_api_repr(
        {"load": {"sourceFormat": "NEWLINE_DELIMITED_JSON", "writeDispositon": "WRITE_APPEND"}}
    )
    with pytest.raises(exceptions.BadRequest, match=r'Unknown name \\?"writeDispositon\\?" at .job.configuration.load'):
        client().load_table_from_uri(stage("loads/x.ndjson", [row("a")]), table, job_config=job_config)


def test_a_wrongly_typed_configuration_value_is_a_400(cloud, table):
    job_config = bigquery.LoadJobConfig.from_api_repr(
        {"load": {"sourceFormat": "NEWLINE_DELIMITED_JSON", "ignoreUnknownValues": "no"}}
    )
    with pytest.raises(exceptions.BadRequest, match="ignoreUnknownValues"):
        client().load_table_from_uri(stage("loads/x.ndjson", [row("a")]), table, job_config=job_config)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row("z", competency=...), "Missing required field: competency"),
        (row("z", mood="calm"), "No such field: mood"),
        (row("z", convenience="three"), "Could not convert value"),
        (row("z", scored_at="yesterday"), "Could not convert value"),
    ],
    ids=["missing-required", "unknown-field", "not-an-integer", "not-a-timestamp"],
)
def test_one_bad_row_fails_the_load_and_loads_nothing(cloud, table, bad, message):
    job = load(stage("loads/bad.ndjson", [row("ok"), bad]), table)
    with pytest.raises(exceptions.BadRequest, match=message):
        job.result(timeout=30)
    assert job.error_result["reason"] == "invalid"
    assert cloud.bigquery.rows(PROJECT, DATASET, TABLE) == []


def test_a_bare_nan_is_not_json_and_fails_the_load(cloud, table):
    job = load(
        stage("loads/nan.ndjson", json.dumps(row("a")).replace('"competency": 5', '"competency": NaN') + "\n"), table
    )
    with pytest.raises(exceptions.BadRequest, match="JSON parsing error"):
        job.result(timeout=30)


def test_a_schema_sent_with_the_load_must_match_the_table(cloud, table):
    schema = [bigquery.SchemaField.from_api_repr(f) for f in SCHEMA if f["name"] != "reasoning"]
    job = load(stage("loads/one.ndjson", [row("a")]), table, schema=schema)
    with pytest.raises(exceptions.BadRequest, match="Provided Schema does not match .* reasoning is missing"):
        job.result(timeout=30)


def test_create_never_into_a_missing_table_and_a_missing_object_are_not_found(cloud, table):
    with pytest.raises(exceptions.NotFound, match="Not found: Table"):
        load(stage("loads/one.ndjson", [row("a")]), f"{PROJECT}.{DATASET}.typo").result(timeout=30)
    with pytest.raises(exceptions.NotFound, match="Not found: URI"):
        load(f"gs://{BUCKET}/loads/absent.ndjson", table).result(timeout=30)


def test_a_job_in_another_location_is_not_found(cloud, table):
    load(stage("loads/one.ndjson", [row("a")]), table, job_id="located").result(timeout=30)
    with pytest.raises(exceptions.NotFound):
        client().get_job("located", location="EU")


def test_a_query_job_is_refused_as_not_implemented(cloud, table):
    with pytest.raises(exceptions.MethodNotImplemented, match="load jobs only"):
        client().query(f"SELECT COUNT(*) FROM `{table}`").result(timeout=30)


def test_a_call_without_a_token_it_issued_is_401(cloud, table):
    import requests

    url = f"{cloud.bigquery.url}/bigquery/v2/projects/{PROJECT}/datasets/{DATASET}/tables/{TABLE}"
    for headers in ({}, {"Authorization": "Bearer ya29.forged"}):
        answer = requests.get(url, headers=headers, timeout=10)
        assert answer.status_code == 401 and answer.json()["error"]["status"] == "UNAUTHENTICATED"


# --- the usage ledger's streaming writes and its one query (dags/genops/usage/bigquery.py) --------------------

USAGE = "gemini_usage"


@pytest.fixture
def ledger(cloud, table):
    """The usage ledger's table, created from its schema file as Terraform creates it."""
    from genops.usage.rows import schema

    cloud.bigquery.create_table(PROJECT, DATASET, USAGE, schema())
    return f"{PROJECT}.{DATASET}.{USAGE}"


def usage_row(call_id: str, total: int, cost: float | None, called_at: str = "2026-11-30T10:00:00+00:00") -> dict:
    return ledger_row(call_id, total, cost, datetime.fromisoformat(called_at))


def daily_total(table: str, day: str, sql: str | None = None, kind: str = "DATE") -> dict:
    from genops.usage.bigquery import DAILY_TOTAL_SQL

    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("day", kind, day)], use_legacy_sql=False
    )
    (result,) = client().query_and_wait(sql or DAILY_TOTAL_SQL.format(table=table), job_config=job_config)
    return dict(result.items())


def test_streamed_rows_are_checked_and_a_repeated_insert_id_is_dropped(cloud, ledger):
    rows = [usage_row("a", 100, 0.5), usage_row("b", 20, None)]
    assert client().insert_rows_json(ledger, rows, row_ids=["a", "b"], retry=None) == []
    assert client().insert_rows_json(ledger, rows[:1], row_ids=["a"], retry=None) == [], "a retry is accepted"

    read = list(client().list_rows(ledger))
    assert [(r["call_id"], r["total_tokens"], r["estimated_cost_usd"]) for r in read] == [
        ("a", 100, 0.5),
        ("b", 20, None),
    ], "the repeated insertId added no row"
    assert read[0]["called_at"] == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert [insert_id for insert_id, _ in cloud.bigquery.table(PROJECT, DATASET, USAGE).streamed] == ["a", "b"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({**usage_row("z", 1, None), "total_tokens": None}, "Missing required field: total_tokens"),
        ({**usage_row("z", 1, None), "mood": "calm"}, "No such field: mood"),
        ({**usage_row("z", 1, None), "total_tokens": "many"}, "Could not convert value"),
    ],
    ids=["missing-required", "unknown-field", "not-an-integer"],
)
def test_a_bad_streamed_row_is_an_insert_error_and_stops_the_whole_request(cloud, ledger, bad, message):
    errors = client().insert_rows_json(ledger, [usage_row("ok", 1, None), bad], row_ids=["ok", "z"], retry=None)
    assert [e["index"] for e in errors] == [1] and message in errors[0]["errors"][0]["message"]
    assert cloud.bigquery.rows(PROJECT, DATASET, USAGE) == [], "no row of a request with a bad row is written"


def test_a_misspelt_insert_all_field_is_a_400_and_a_missing_table_404(cloud, ledger):
    import requests

    credentials, _ = google.auth.default()
    headers = {"Authorization": f"Bearer {credentials.token}"}
    url = f"{cloud.bigquery.url}/bigquery/v2/projects/{PROJECT}/datasets/{DATASET}/tables/{USAGE}/insertAll"
    answer = requests.post(url, json={"rows": [], "skipInvalidRow": True}, headers=headers, timeout=10)
    assert answer.status_code == 400 and "skipInvalidRow" in answer.json()["error"]["message"]
    with pytest.raises(exceptions.NotFound, match="Not found: Table"):
        client().insert_rows_json(f"{PROJECT}.{DATASET}.typo", [usage_row("a", 1, None)], retry=None)


def test_the_ledgers_daily_total_sums_that_utc_day_only(cloud, ledger):
    rows = [
        usage_row("a", 100, 0.25),
        usage_row("b", 30, None),
        usage_row("c", 0, None),
        usage_row("d", 7, 1.0, called_at="2026-11-30T23:59:59-01:00"),  # 2026-12-01 in UTC
    ]
    assert client().insert_rows_json(ledger, rows, row_ids=[r["call_id"] for r in rows], retry=None) == []

    assert daily_total(ledger, "2026-11-30") == {"total_tokens": 130, "cost_usd": 0.25, "unpriced_calls": 1, "calls": 3}
    assert daily_total(ledger, "2026-12-01") == {"total_tokens": 7, "cost_usd": 1.0, "unpriced_calls": 0, "calls": 1}
    assert daily_total(ledger, "2026-11-29") == {"total_tokens": 0, "cost_usd": None, "unpriced_calls": 0, "calls": 0}


def test_any_other_query_or_parameter_is_refused_not_answered(cloud, ledger):
    with pytest.raises(exceptions.MethodNotImplemented, match="only the DAGs' own queries"):
        client().query_and_wait(f"SELECT COUNT(*) FROM `{ledger}`")
    with pytest.raises(exceptions.BadRequest, match="No matching signature"):
        daily_total(ledger, "2026-11-30", kind="STRING")
    with pytest.raises(exceptions.NotFound, match="Not found: Table"):
        daily_total(f"{PROJECT}.{DATASET}.typo", "2026-11-30")
