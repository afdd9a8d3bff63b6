"""Test-wide Airflow set-up: an isolated AIRFLOW_HOME with a real SQLite metadata DB, set before Airflow loads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Under CI=true a test that skips fails, unless it is marked skip_expected (tests/ci_skips.py).
from tests.ci_skips import pytest_configure, pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
DAGS_FOLDER = REPO / "dags"

_home = Path(tempfile.mkdtemp(prefix="genops-airflow-home-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_home / 'airflow.db'}",
        "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP": ".*",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        # Composer defines this connection (ADC of the environment's service account); so does `make local`.
        "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT": "google-cloud-platform://",
    }
)
# No test may reach Google: make any credential lookup fail fast instead of probing the metadata server.
os.environ["GCE_METADATA_HOST"] = "127.0.0.1:9"
os.environ["NO_GCE_CHECK"] = "True"
for key in [k for k in os.environ if k.startswith("GENOPS_")]:
    del os.environ[key]
