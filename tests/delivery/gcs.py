"""The Cloud Storage the delivery tests deploy to: the local emulator and its shim (scripts/local/cloud/gcs.py).

gcloud reaches fake-gcs-server through the shim of scripts/local/cloud/gcs_shim.py, which answers object
deletes as Cloud Storage does and records every upload and deletion, so tests measure what a deploy really sent.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from scripts.local.cloud.gcs import GcsEmulator
from scripts.local.cloud.gcs_shim import Traffic

PROJECT = "test-project"


class Storage:
    """fake-gcs-server plus the shim; `endpoint` is what CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE points at."""

    def __init__(self, root: Path, iam=None) -> None:
        self.emulator = GcsEmulator(root / "data", root / "fake-gcs-server.log", iam=iam).start()

    @property
    def endpoint(self) -> str:
        return self.emulator.gcloud_endpoint

    @property
    def traffic(self) -> Traffic:
        return self.emulator.shim.traffic

    def close(self) -> None:
        self.emulator.stop()

    def _json(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        status, _, payload = self.emulator.shim.emulator(method, path, body, headers)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {payload[:200]!r}")
        return json.loads(payload) if payload.strip() else None

    def create_bucket(self, name: str) -> None:
        if not self.emulator.create_bucket(name, PROJECT):
            raise RuntimeError(f"bucket {name} already exists")

    def put(self, bucket: str, name: str, content: bytes) -> None:
        """Write an object directly (what another writer, e.g. Composer, leaves in the bucket)."""
        self.emulator.put(bucket, name, content)

    def objects(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object of the bucket under PREFIX, name -> content."""
        found, token = {}, None
        while True:
            query = {"prefix": prefix, **({"pageToken": token} if token else {})}
            listing = self._json("GET", f"/storage/v1/b/{bucket}/o?{urllib.parse.urlencode(query)}")
            for item in listing.get("items", []):
                quoted = urllib.parse.quote(item["name"], safe="")
                status, _, content = self.emulator.shim.emulator(
                    "GET", f"/download/storage/v1/b/{bucket}/o/{quoted}?alt=media"
                )
                if status == 200:
                    found[item["name"]] = content
            token = listing.get("nextPageToken")
            if not token:
                return found
