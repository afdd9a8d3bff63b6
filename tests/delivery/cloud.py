"""The real gcloud, configured to reach only the local stand-ins (tests/delivery/gcs.py, composer.py).

Everything the scripts need comes from gcloud's own settings: a temporary CLOUDSDK_CONFIG, the Storage and
Composer endpoint overrides, an access token file (no credentials, no prompts), no update checks or usage
reporting, and a dead proxy for everything but loopback, so any call that would leave the machine fails.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.local.cloud.iam_front import IamFront
from tests.delivery.composer import AirflowEnvironment, ComposerApi, DagProcessorWorker
from tests.delivery.gcs import Storage
from tests.delivery.support import REPO

PROJECT = "genops-delivery-test"
REGION = "us-central1"
IMAGES = {"3.2.2": "composer-3-airflow-3.2.2-build.1", "2.11.1": "composer-3-airflow-2.11.1-build.4"}
PYTHONS = {"3.2.2": REPO / ".venv" / "bin" / "python", "2.11.1": REPO / ".venv-airflow2" / "bin" / "python"}
_SCRUBBED = ("CLOUDSDK_", "GOOGLE_", "DAGS_PREFIX", "COMPOSER_", "DEPLOY_", "VERIFY_", "STORAGE_EMULATOR", "PYTHONPATH")
_numbers = itertools.count(1)


def require_gcloud() -> str:
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        pytest.skip(
            "gcloud is not on PATH: the delivery tests run the real Google Cloud CLI (528.0.0, as the deploy "
            "image) against local stand-ins; install google-cloud-cli (apt or the Cloud SDK archive) to run them"
        )
    return gcloud


def require_python(airflow_version: str) -> Path:
    python = PYTHONS[airflow_version]
    if not python.exists():
        target = "make setup" if airflow_version.startswith("3.") else "make setup-airflow2"
        pytest.skip(f"no Airflow {airflow_version} interpreter at {python}: run `{target}` to test that environment")
    return python


class Cloud:
    """One test's view: the shared servers, its own gcloud configuration, its own buckets and environments."""

    def __init__(self, storage: Storage, composer: ComposerApi, workers: dict, home: Path, iam: IamFront):
        """gcloud speaks for the deploy account: its token is the deploy account's (scripts/local/cloud/iam_front.py
        checks every call against what Terraform grants that account)."""
        self.storage, self.composer, self.workers, self.home, self.iam = storage, composer, workers, home, iam
        self.token = composer.token
        self.token_file = home / "access-token"
        self.token_file.write_text(self.token)
        self.environments: list[AirflowEnvironment] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED)}
        env.update(
            CLOUDSDK_CONFIG=str(self.home / "gcloud"),
            CLOUDSDK_CORE_PROJECT=PROJECT,
            CLOUDSDK_AUTH_ACCESS_TOKEN_FILE=str(self.token_file),
            CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE=self.storage.endpoint,
            CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER=self.composer.endpoint,
            CLOUDSDK_CORE_DISABLE_PROMPTS="1",
            CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK="1",
            CLOUDSDK_CORE_DISABLE_USAGE_REPORTING="true",
            HTTPS_PROXY="http://127.0.0.1:9",
            HTTP_PROXY="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1,localhost",
            DEPLOY_LOCK_POLL_SECONDS="0.5",
            VERIFY_INTERVAL_SECONDS="0.5",
            VERIFY_TIMEOUT_SECONDS="120",
        )
        env.update(extra)
        return env

    def bucket(self, name: str = "genops") -> str:
        """A new, empty Composer-style bucket."""
        bucket = f"us-central1-{name}-{next(_numbers):08x}-bucket"
        self.storage.create_bucket(bucket)
        self.iam.policy.add_name("dags_bucket", bucket)  # Terraform's grants on the environment's bucket apply
        return bucket

    def environment(
        self, name: str, airflow_version: str, *, refresh_interval: float = 2.0, maximum_page_limit: int = 100
    ) -> tuple[AirflowEnvironment, str]:
        """A running Composer environment: (its Airflow, its bucket), registered with the Composer API."""
        python = require_python(airflow_version)
        if airflow_version not in self.workers:
            self.workers[airflow_version] = DagProcessorWorker(python, self.home / f"airflow-{airflow_version}")
        bucket = self.bucket(name)
        airflow = AirflowEnvironment(
            storage=self.storage,
            bucket=bucket,
            airflow_version=airflow_version,
            worker=self.workers[airflow_version],
            token=self.token,
            refresh_interval=refresh_interval,
            maximum_page_limit=maximum_page_limit,
            iam=self.iam,
            environment=f"projects/{PROJECT}/locations/{REGION}/environments/{name}",
        )
        self.environments.append(airflow)
        self.composer.add(
            PROJECT, REGION, name, bucket=bucket, image_version=IMAGES[airflow_version], airflow_uri=airflow.uri
        )
        return airflow, bucket

    def close(self) -> None:
        for environment in self.environments:
            environment.close()

    def gcloud(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["gcloud", *args], env=self.env(), capture_output=True, text=True, check=False)
