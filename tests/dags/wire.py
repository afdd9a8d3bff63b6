"""Wire tests' fixtures: the lab DAGs run with `dag.test()` against the local stand-ins over HTTP.

Nothing is faked at the method level: the provider's hooks build the real google-genai, Vertex AI SDK,
google-cloud-storage and google-cloud-bigquery clients, which find the stand-ins through their own standard
settings (GOOGLE_VERTEX_BASE_URL, STORAGE_EMULATOR_HOST, BIGQUERY_EMULATOR_HOST) and authenticate with the
local ADC file (its token_uri is the local token endpoint), as under `make local`.

`wire` starts the Cloud Storage emulator, the BigQuery stand-in and local credentials (tests/local_cloud/gcp_env),
and the Vertex AI stand-in, all behind the IAM front (scripts/local/cloud/iam_front.py): the DAGs' token is the
Composer account's, and a call it lacks the permission for is answered 403 as on Google Cloud; stages the
sample training file; creates the dataset and tables Terraform would (the usage ledger's too: the ledger writes
through its real client, as under `make local`); and sets the GENOPS_ settings (test modules import
`wire_fixture`, the fixture named `wire`). `run(dag, retries=N)` runs a DAG
with Airflow's retries on, without waits between tries.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import google.auth
import pytest

from genops.usage import bigquery as ledger_bigquery
from scripts.iam import observed
from scripts.local.cloud.vertex import VertexStandIn
from tests.conftest import DAGS_FOLDER
from tests.dags.runner import RunResult, _name, private_copy
from tests.local_cloud.gcp_env import BUCKET, PROJECT, REGION, LocalGcp, local_gcp

REAL_GOOGLE_AUTH_DEFAULT = google.auth.default  # before tests/dags/conftest.py replaces it for method-level tests
REAL_LEDGER_CLIENT = ledger_bigquery.client  # before tests/dags/conftest.py aims it at its own ledger table
TRAINING_OBJECT = "training/sft_train.jsonl"
SAMPLE_TRAINING_DATA = DAGS_FOLDER / "genops" / "data" / "sft_train.jsonl"
SCHEMAS = DAGS_FOLDER / "genops" / "schemas"
DATASET, TABLE, USAGE_TABLE = "genops_lab", "model_evaluations", "gemini_usage"


@dataclass
class Wire:
    gcp: LocalGcp
    vertex: VertexStandIn

    def vertex_calls(self, method: str) -> list[dict]:
        """The requests the Vertex AI stand-in served whose path ends with `method` (e.g. ":generateContent")."""
        return [r for r in self.vertex.requests if r["path"].endswith(method)]

    @contextmanager
    def jobs_run_until_polled(self, collection: str):
        """Within the block, the stand-in's `collection` jobs ("tuningJobs", "batchPredictionJobs") stay running
        until a GET of one has been served, then end: a sensor's first poll sees the job running, however
        slowly the tasks before it start, and the run waits no longer than that."""
        jobs = {"tuningJobs": self.vertex.tuning, "batchPredictionJobs": self.vertex.batch}[collection]
        planned, done = jobs.running_seconds, threading.Event()

        def end_after_the_first_poll() -> None:
            while not done.wait(0.05):
                if any(r["method"] == "GET" and f"/{collection}/" in r["path"] for r in list(self.vertex.requests)):
                    jobs.running_seconds = 0.0
                    return

        jobs.running_seconds = 3600.0
        watcher = threading.Thread(target=end_after_the_first_poll, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join(timeout=5)
            jobs.running_seconds = planned

    def bucket_objects(self) -> dict[str, bytes]:
        """The data bucket's objects, read by the test itself (from the emulator, not as the Composer account)."""
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        client = storage.Client(
            project=PROJECT, credentials=AnonymousCredentials(), client_options={"api_endpoint": self.gcp.gcs.url}
        )
        return {blob.name: blob.download_as_bytes() for blob in client.list_blobs(BUCKET)}


@pytest.fixture(name="wire")
def wire_fixture(tmp_path: Path, genops_env, monkeypatch):
    """The lab's cloud on loopback; GENOPS_ settings aimed at it. Yields a `Wire`; stops everything after."""
    from google.cloud.aiplatform import initializer

    monkeypatch.setattr(google.auth, "default", REAL_GOOGLE_AUTH_DEFAULT)
    monkeypatch.setattr(ledger_bigquery, "client", REAL_LEDGER_CLIENT)
    # Airflow 2.11's unit-test config names LocalExecutor, whose reschedule check refuses SQLite; dag.test() runs
    # no executor (Airflow's own switch for tests; see tests/dags/tuning_support.py).
    monkeypatch.setenv("_AIRFLOW__SKIP_DATABASE_EXECUTOR_COMPATIBILITY_CHECK", "1")
    settings = {
        "GENOPS_PROJECT_ID": PROJECT,
        "GENOPS_REGION": REGION,
        "GENOPS_DATA_BUCKET": BUCKET,
        "GENOPS_BQ_DATASET": DATASET,
        "GENOPS_BQ_TABLE": TABLE,
        "GENOPS_TRAINING_DATA_OBJECT": TRAINING_OBJECT,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with local_gcp(tmp_path, dataset=DATASET) as gcp:
        vertex = VertexStandIn(
            storage_host=gcp.gcs.url,
            tuning_pending_seconds=0.5,
            tuning_running_seconds=1.0,
            tokens=gcp.credentials.issued,  # only the token the local ADC file holds
            iam=gcp.iam,  # the Composer account's grants, as Terraform applies them
        )
        with vertex:
            monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", vertex.url)
            gcp.gcs.put(BUCKET, TRAINING_OBJECT, SAMPLE_TRAINING_DATA.read_bytes(), "application/jsonl")
            gcp.bigquery.create_dataset(PROJECT, DATASET, REGION)
            for table in (TABLE, USAGE_TABLE):
                schema = json.loads((SCHEMAS / f"{table}.json").read_text())
                gcp.bigquery.create_table(PROJECT, DATASET, table, schema)
            try:
                yield Wire(gcp, vertex)
            finally:
                initializer.global_config.__init__()  # vertexai.init() state must not leak into other tests
            assert not gcp.iam.unmapped, f"requests the IAM front has no permission for: {gcp.iam.unmapped}"
            new = observed.unrecorded(gcp.iam.calls)
            assert not new, (
                f"permissions used but not in terraform/iam/observed.json ({observed.__doc__.splitlines()[0]}): {new}"
            )


def fast(dag, *, retries: int = 0):
    """A private copy of `dag` whose sensors poll at once and whose tasks retry `retries` times without waiting."""
    dag = private_copy(dag)
    for task in dag.tasks:
        task.retries = retries
        task.retry_delay = timedelta(0)
        task.retry_exponential_backoff = False
        if hasattr(task, "poke_interval"):
            task.poke_interval = 0
    return dag


def run(dag, *, retries: int = 0, conf: dict | None = None) -> RunResult:
    """dag.test() on `fast(dag)`: every operator, hook, client, HTTP request and XCom is real."""
    dag_run = fast(dag, retries=retries).test(run_conf=conf or {})
    return RunResult(state=_name(dag_run.state), task_instances=list(dag_run.get_task_instances()))


def try_numbers(result: RunResult, task_id: str) -> int:
    return next(ti for ti in result.task_instances if ti.task_id == task_id).try_number
