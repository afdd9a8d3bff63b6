"""Fixtures for loading and running the DAGs: a migrated metadata DB, the DagBag, GENOPS_ settings."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def google_credentials(monkeypatch):
    """Credentials resolve as on Composer (ADC), with no network; tests of the missing case make it raise."""
    import google.auth
    from google.auth.credentials import AnonymousCredentials

    from genops.core import credentials

    monkeypatch.setattr(google.auth, "default", lambda *args, **kwargs: (AnonymousCredentials(), None))
    monkeypatch.setattr(credentials, "_checked", set())
    return monkeypatch


@pytest.fixture
def no_credentials(google_credentials):
    """What google.auth.default() does on a laptop that never ran `gcloud auth application-default login`."""
    from google.auth.exceptions import DefaultCredentialsError

    def default(*args, **kwargs):
        raise DefaultCredentialsError(
            "Your default credentials were not found. To set up Application Default Credentials, see https://x."
        )

    google_credentials.setattr("google.auth.default", default)
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
