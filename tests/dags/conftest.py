"""Fixtures for loading and running the DAGs: a migrated metadata DB, the DagBag, GENOPS_ settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import DAGS_FOLDER
from tests.dags.samples import SAMPLE_DAG_IDS

EXPECTED_DAG_IDS = {
    "generate_content",
    "count_tokens",
    "run_evaluation",
    "supervised_fine_tuning",
    "genops_pipeline",
    "model_comparison",
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
    """The GENOPS_ values Terraform would set; tests override or delete single ones."""
    for name, value in TEST_SETTINGS.items():
        monkeypatch.setenv(name, value)
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


@pytest.fixture(autouse=True)
def bigquery_standin(monkeypatch):
    """Every Gemini call a DAG makes in a test lands in a local usage ledger: the real google-cloud-bigquery
    client against a stand-in of `genops-test-project.genops.gemini_usage` (never the network). The client
    library is imported only when a test writes or reads the ledger."""
    from genops.usage import bigquery, ledger
    from tests.dags.usage.bigquery_standin import BigQueryStandIn, serve

    standin = BigQueryStandIn(TEST_SETTINGS["GENOPS_PROJECT_ID"], "genops", "gemini_usage")
    server, url = serve(standin)

    def client(what: str):
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import bigquery as bq

        return bq.Client(
            project=standin.project, credentials=AnonymousCredentials(), client_options=ClientOptions(api_endpoint=url)
        )

    monkeypatch.setattr(bigquery, "client", client)
    monkeypatch.setattr(ledger, "LEDGER", ledger.Ledger(sleep=lambda seconds: None))  # no real backoff waits
    yield standin
    server.shutdown()
    server.server_close()


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.rows["earlier-run"] = {
            "call_id": "earlier-run",
            "called_at": datetime.now(UTC).isoformat(),
            "total_tokens": tokens,
            "estimated_cost_usd": cost_usd,
        }

    return spend
