"""Fixtures for loading and running the DAGs: a migrated metadata DB, the DagBag, GENOPS_ settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from scripts.local.cloud.bigquery import BigQueryStandIn, Table
from scripts.local.cloud.credentials import LocalCredentials
from tests.conftest import DAGS_FOLDER
from tests.dags.samples import SAMPLE_DAG_IDS
from tests.ledger_rows import ledger_row

EXPECTED_DAG_IDS = {
    "generate_content",
    "count_tokens",
    "run_evaluation",
    "supervised_fine_tuning",
    "genops_pipeline",
    "model_comparison",
    "canary_evaluation",
    "model_lifecycle",
}
EXPECTED_DAG_IDS |= SAMPLE_DAG_IDS  # dags/samples

TEST_SETTINGS = {
    "GENOPS_PROJECT_ID": "genops-test-project",
    "GENOPS_REGION": "us-central1",
    "GENOPS_DATA_BUCKET": "genops-test-data",
}


@pytest.fixture(scope="session")
def airflow_db():
    """Create the metadata schema once per session in the isolated SQLite DB."""
    from airflow.utils import db

    db.resetdb()
    yield


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.models.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER), include_examples=False)


def like_google_auth_default(answer):
    """A stand-in for google.auth.default: each call is bound to the real function's signature (a wrong
    argument raises TypeError as it would), then `answer(arguments)` returns or raises what ADC would."""
    import inspect

    from google.auth import _default

    signature = inspect.signature(_default.default)  # the real one, whatever google.auth.default is patched to

    def default(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return answer(dict(bound.arguments))

    return default


@pytest.fixture(autouse=True)
def google_credentials(monkeypatch):
    """Credentials resolve as on Composer (ADC), with no network; tests of the missing case make it raise."""
    import google.auth
    from google.auth.credentials import AnonymousCredentials

    from genops.core import credentials

    monkeypatch.setattr(
        google.auth, "default", like_google_auth_default(lambda arguments: (AnonymousCredentials(), None))
    )
    monkeypatch.setattr(credentials, "_checked", set())
    return monkeypatch


@pytest.fixture
def no_credentials(google_credentials):
    """What google.auth.default() does on a laptop that never ran `gcloud auth application-default login`."""
    from google.auth.exceptions import DefaultCredentialsError

    def missing(arguments):
        raise DefaultCredentialsError(
            "Your default credentials were not found. To set up Application Default Credentials, see https://x."
        )

    google_credentials.setattr("google.auth.default", like_google_auth_default(missing))
    return google_credentials


@pytest.fixture
def genops_env(monkeypatch):
    """The GENOPS_ values Terraform would set; tests override or delete single ones.

    Every evaluating lab DAG has a reschedule sensor (the batch job's wait). Airflow 2.11's unit-test config
    names LocalExecutor, whose reschedule check refuses SQLite; dag.test() runs no executor, so the check does
    not apply (Airflow's own switch for tests; see tests/dags/tuning_support.py)."""
    for name, value in TEST_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("_AIRFLOW__SKIP_DATABASE_EXECUTOR_COMPATIBILITY_CHECK", "1")
    return monkeypatch


@pytest.fixture(scope="session", autouse=True)
def reuse_in_process_execution_api():
    """Build Airflow 3's in-process Execution API app once per session instead of once per task.

    `dag.test()` runs every task through the real Execution API (FastAPI + cadwyn, in process); building
    that app costs ~5 s of CPU per task. Sharing one instance changes speed only, not what runs.
    """
    try:
        from airflow.sdk.execution_time import supervisor
    except ImportError:  # Airflow 2.11 runs tasks without it
        yield
        return
    original = supervisor.in_process_api_server
    shared = original()
    supervisor.in_process_api_server = lambda: shared
    yield
    supervisor.in_process_api_server = original


FAULT_PATHS = {"insertAll": r"/insertAll$", "query": r"/queries$"}


@dataclass
class UsageLedger:
    """The usage ledger's table on the local BigQuery stand-in (scripts/local/cloud/bigquery.py), seen by tests."""

    standin: BigQueryStandIn
    table: Table

    @property
    def project(self) -> str:
        return self.table.project

    @property
    def rows(self) -> dict[str, dict]:
        """insertId -> the row as the client streamed it, in arrival order (an id written twice fails the test)."""
        ids = [insert_id for insert_id, _ in self.table.streamed]
        assert len(ids) == len(set(ids)), f"the ledger holds an insertId twice: {ids}"
        return dict(self.table.streamed)

    @property
    def requests(self) -> list[tuple[str, dict]]:
        """(path, JSON body) of every call the client made."""
        return [(r["path"], r["body"]) for r in self.standin.requests]

    def fail_next(self, call: str, status: int, *, after_write: bool = False, times: int = 1) -> None:
        """The next `times` "insertAll" or "query" calls answer `status` (after storing, with `after_write`)."""
        self.standin.add_fault(FAULT_PATHS[call], status=status, times=times, after=after_write, method="POST")

    def insert(self, insert_id: str, row: dict) -> None:
        """Stream one row directly (an earlier run's spend), checked against the table schema."""
        t = self.table
        assert self.standin.insert_all(t.project, t.dataset, t.table_id, [(insert_id, row)]) == []


@pytest.fixture(autouse=True)
def bigquery_standin(monkeypatch):
    """Every Gemini call a DAG makes in a test lands in a local usage ledger: the real google-cloud-bigquery
    client against the local BigQuery stand-in holding `genops-test-project.genops.gemini_usage`, created from the
    ledger's schema file as Terraform creates it (never the network). Every call carries a token the local
    credentials issued, as the stand-in requires. The client library is imported only when a test writes or reads
    the ledger."""
    from genops.usage import bigquery, ledger
    from genops.usage.rows import schema

    project, dataset, table_id = TEST_SETTINGS["GENOPS_PROJECT_ID"], "genops", "gemini_usage"
    credentials = LocalCredentials(project)
    standin = BigQueryStandIn(tokens=credentials.issued).start()
    standin.create_dataset(project, dataset, TEST_SETTINGS["GENOPS_REGION"])
    table = standin.create_table(project, dataset, table_id, schema())
    from genops.evaluation import results

    standin.create_table(project, dataset, "model_evaluations", list(results.schema()))  # GENOPS_BQ_TABLE

    def client(what: str):
        from google.api_core.client_options import ClientOptions
        from google.cloud import bigquery as bq
        from google.oauth2.credentials import Credentials

        return bq.Client(
            project=project,
            credentials=Credentials(token=credentials.issue()),
            client_options=ClientOptions(api_endpoint=standin.url),
        )

    monkeypatch.setattr(bigquery, "client", client)
    monkeypatch.setattr(ledger, "LEDGER", ledger.Ledger(sleep=lambda seconds: None))  # no real backoff waits
    yield UsageLedger(standin, table)
    standin.stop()


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.insert("earlier-run", ledger_row("earlier-run", tokens, cost_usd, datetime.now(UTC)))

    return spend
