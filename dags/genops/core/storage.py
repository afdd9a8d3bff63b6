"""Reading and writing objects in the data bucket through the provider's GCSHook (imported when called).

GENOPS_DATA_BUCKET is a bucket name. On Composer it is a real bucket; under `make local` and in the tests it is
a bucket in the Cloud Storage emulator, which the same hook reaches through the client's standard setting
STORAGE_EMULATOR_HOST (scripts/local/cloud), so there is no local special case here.
"""

from __future__ import annotations

from pathlib import Path

from genops.core.credentials import GCP_CONN_ID, require_google_credentials


def _hook(what: str):
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    require_google_credentials(what, gcp_conn_id=GCP_CONN_ID)
    return GCSHook(gcp_conn_id=GCP_CONN_ID)


def gcs_uri(bucket: str, object_name: str) -> str:
    return f"gs://{bucket}/{object_name}"


def exists(bucket: str, object_name: str) -> bool:
    return _hook(f"checking {gcs_uri(bucket, object_name)}").exists(bucket_name=bucket, object_name=object_name)


def download(bucket: str, object_name: str, path: Path) -> Path:
    """Copy an object to a local file (streamed: training files may be large) and return its path."""
    _hook(f"downloading {gcs_uri(bucket, object_name)}").download(
        bucket_name=bucket, object_name=object_name, filename=str(path)
    )
    return Path(path)


def upload_text(bucket: str, object_name: str, text: str, *, mime_type: str) -> str:
    """Write `text` to an object and return its gs:// URI."""
    _hook(f"writing {gcs_uri(bucket, object_name)}").upload(
        bucket_name=bucket, object_name=object_name, data=text, mime_type=mime_type
    )
    return gcs_uri(bucket, object_name)


def list_names(bucket: str, prefix: str) -> list[str]:
    """The names of the objects under `prefix`, sorted."""
    return sorted(_hook(f"listing {gcs_uri(bucket, prefix)}").list(bucket_name=bucket, prefix=prefix))


def read_text(bucket: str, object_name: str) -> str:
    """An object's content as UTF-8 text."""
    data = _hook(f"reading {gcs_uri(bucket, object_name)}").download(bucket_name=bucket, object_name=object_name)
    return data.decode("utf-8")
