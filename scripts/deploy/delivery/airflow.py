"""An environment's Airflow REST API, read-only: the DAGs and the import errors Airflow reports.

Composer serves it at the environment's airflowUri and accepts the caller's Google access token. Airflow 3
has /api/v2 only, Airflow 2 /api/v1 only; both page with limit/offset and report total_entries.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

PAGE = 100  # Airflow's default [api] maximum_page_limit; smaller server limits are followed by offset
COMPOSER_DAGS_FOLDER = "/home/airflow/gcs/dags/"  # where Composer mounts the bucket's dags/


class AirflowError(RuntimeError):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Dag:
    dag_id: str
    file: str  # relative to the DAG folder
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ImportError_:
    file: str  # relative to the DAG folder
    timestamp: str
    stack_trace: str

    @property
    def message(self) -> str:
        return (self.stack_trace.strip().splitlines() or ["(no message)"])[-1]


def api_version(image_version: str) -> str:
    """'v2' for composer-N-airflow-3.x images, 'v1' for Airflow 2.x, ValueError otherwise."""
    match = re.search(r"airflow-(\d+)\.(\d+)", image_version)
    if not match:
        raise ValueError(f"cannot tell the Airflow version from imageVersion {image_version!r}")
    major = int(match.group(1))
    if major not in (2, 3):
        raise ValueError(f"imageVersion {image_version!r}: Airflow {major} is not supported (2.x or 3.x)")
    return "v2" if major == 3 else "v1"


def relative(path: str) -> str:
    """A file path as Airflow reports it (absolute on Airflow 2, relative to the bundle on 3), made relative."""
    return path[len(COMPOSER_DAGS_FOLDER) :] if path.startswith(COMPOSER_DAGS_FOLDER) else path


class AirflowApi:
    def __init__(self, airflow_uri: str, version: str, token: str, *, timeout: float = 30):
        self.base = airflow_uri.rstrip("/") + f"/api/{version}"
        self.version, self.token, self.timeout = version, token, timeout

    def _get(self, path: str, **query: str | int) -> dict:
        url = f"{self.base}/{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise AirflowError(f"GET {url}: HTTP {error.code} {detail}", status=error.code) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise AirflowError(f"GET {url}: {error}") from error

    def _pages(self, path: str, key: str) -> list[dict]:
        items: list[dict] = []
        while True:
            page = self._get(path, limit=PAGE, offset=len(items))
            batch = page.get(key)
            if not isinstance(batch, list) or not isinstance(page.get("total_entries"), int):
                raise AirflowError(f"{self.base}/{path}: no {key!r} list and total_entries in the answer")
            items.extend(batch)
            if not batch or len(items) >= page["total_entries"]:
                return items

    def dags(self) -> dict[str, Dag]:
        """Every DAG Airflow lists (active on v1, not stale on v2: the defaults), by id."""
        found = {}
        for item in self._pages("dags", "dags"):
            file = item.get("relative_fileloc") if self.version == "v2" else None
            found[item["dag_id"]] = Dag(
                dag_id=item["dag_id"],
                file=relative(file or item.get("fileloc") or ""),
                tags=tuple(tag["name"] for tag in item.get("tags") or []),
            )
        return found

    def import_errors(self) -> list[ImportError_]:
        return [
            ImportError_(file=relative(item["filename"]), timestamp=item["timestamp"], stack_trace=item["stack_trace"])
            for item in self._pages("importErrors", "import_errors")
        ]
