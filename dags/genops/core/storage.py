"""Reading and writing objects in the data bucket through the provider's GCSHook (imported when called).

GENOPS_DATA_BUCKET is a bucket name on Composer. Locally (`make local`, tests) it may be a directory instead,
an absolute path or a file:// URL: the same calls then read and write files there, with no credentials.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from genops.core.credentials import GCP_CONN_ID, require_google_credentials


def _hook(what: str):
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    require_google_credentials(what, gcp_conn_id=GCP_CONN_ID)
    return GCSHook(gcp_conn_id=GCP_CONN_ID)


def local_root(bucket: str) -> Path | None:
    """The directory a local data bucket names (absolute path or file:// URL), or None for a GCS bucket."""
    path = Path(bucket.removeprefix("file://"))
    return path if bucket.startswith("file://") or path.is_absolute() else None


def gcs_uri(bucket: str, object_name: str) -> str:
    """gs://bucket/object, or file:///dir/object for a local bucket."""
    root = local_root(bucket)
    return (root / object_name).as_uri() if root else f"gs://{bucket}/{object_name}"


def exists(bucket: str, object_name: str) -> bool:
    if root := local_root(bucket):
        return (root / object_name).is_file()
    return _hook(f"checking {gcs_uri(bucket, object_name)}").exists(bucket_name=bucket, object_name=object_name)


def download(bucket: str, object_name: str, path: Path) -> Path:
    """Copy an object to a local file (streamed: training files may be large) and return its path."""
    if root := local_root(bucket):
        return Path(shutil.copyfile(root / object_name, path))
    _hook(f"downloading {gcs_uri(bucket, object_name)}").download(
        bucket_name=bucket, object_name=object_name, filename=str(path)
    )
    return Path(path)


def upload_text(bucket: str, object_name: str, text: str, *, mime_type: str) -> str:
    """Write `text` to an object and return its gs:// URI."""
    if root := local_root(bucket):
        (root / object_name).parent.mkdir(parents=True, exist_ok=True)
        (root / object_name).write_text(text, encoding="utf-8")
        return gcs_uri(bucket, object_name)
    _hook(f"writing {gcs_uri(bucket, object_name)}").upload(
        bucket_name=bucket, object_name=object_name, data=text, mime_type=mime_type
    )
    return gcs_uri(bucket, object_name)
