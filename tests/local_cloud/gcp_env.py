"""The storage, BigQuery and credential stand-ins started together for tests, and the client settings for them.

`local_gcp(tmp)` starts the GCS emulator and the BigQuery stand-in, makes local credentials on free loopback ports,
writes the local ADC file, and sets the standard client settings (STORAGE_EMULATOR_HOST, BIGQUERY_EMULATOR_HOST,
GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT) while it is open; everything is stopped on exit.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from scripts.local.cloud.bigquery import BigQueryStandIn
from scripts.local.cloud.credentials import LocalCredentials
from scripts.local.cloud.gcs import GcsEmulator
from scripts.local.cloud.iam_front import IamFront

PROJECT = "genops-local"
REGION = "us-central1"
BUCKET = "genops-test-data"


@dataclass
class LocalGcp:
    gcs: GcsEmulator
    credentials: LocalCredentials
    bigquery: BigQueryStandIn
    adc: Path
    iam: IamFront | None = None


@contextlib.contextmanager
def local_gcp(tmp: Path, *, dataset: str | None = None):
    """With `dataset` (the DAGs' GENOPS_BQ_DATASET), IAM is enforced: every Cloud Storage and BigQuery call is
    checked against what Terraform grants the caller (scripts/local/cloud/iam_front.py; `LocalGcp.iam`), and
    google-cloud-storage goes through the checking shim."""
    credentials = LocalCredentials(PROJECT)
    iam = None
    if dataset is not None:
        bind = {"project": PROJECT, "data_bucket": BUCKET, "dags_bucket": (), "dataset": dataset}
        iam = IamFront.local(credentials.identity, bind)
    gcs = GcsEmulator(tmp / "gcs", tmp / "gcs.log", iam=iam).start()
    bigquery = BigQueryStandIn(gcs.url, tokens=credentials.issued, iam=iam).start()
    adc = credentials.write_adc(tmp / "adc.json")
    env = {
        **gcs.client_env(),
        "BIGQUERY_EMULATOR_HOST": bigquery.emulator_host,
        "GOOGLE_APPLICATION_CREDENTIALS": str(adc),
        "GOOGLE_CLOUD_PROJECT": PROJECT,
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        gcs.create_bucket(BUCKET, PROJECT)
        yield LocalGcp(gcs, credentials, bigquery, adc, iam)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        bigquery.stop()
        gcs.stop()
