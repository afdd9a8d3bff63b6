"""Reading and listing the samples' inputs in the data bucket (genops.core.storage does the writing)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from genops.core import config, storage
from genops.core.credentials import GCP_CONN_ID, require_google_credentials


def list_objects(prefix: str) -> list[str]:
    """Names of the objects under `prefix` in GENOPS_DATA_BUCKET, sorted (folder placeholders left out)."""
    bucket = config.get("GENOPS_DATA_BUCKET")
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    require_google_credentials(f"listing {storage.gcs_uri(bucket, prefix)}", gcp_conn_id=GCP_CONN_ID)
    names = GCSHook(gcp_conn_id=GCP_CONN_ID).list(bucket, prefix=prefix)
    return sorted(name for name in names if not name.endswith("/"))


def read_text(object_name: str) -> str:
    """An object of GENOPS_DATA_BUCKET as UTF-8 text (for small inputs: it is read into memory)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = storage.download(config.get("GENOPS_DATA_BUCKET"), object_name, Path(tmp) / "object")
        return path.read_text(encoding="utf-8")
