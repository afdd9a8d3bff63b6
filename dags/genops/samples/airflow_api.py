"""Recent DAG runs from Airflow's stable REST API: /api/v2 on Airflow 3, /api/v1 on Airflow 2.

Airflow 3 tasks may not read the metadata database, so the report asks the API server like any client.
On Composer the call is authorized with the environment service account's Google credentials. The one
HTTP call is `get_json`; tests replace it.
"""

from __future__ import annotations

from datetime import datetime

from genops.core import config

URL_SETTING = "GENOPS_AIRFLOW_API_URL"
PAGE_SIZE = 100  # the API's default maximum page size
MAX_RUNS = 2000  # a daily report never needs more; the report says when it stopped
TIMEOUT_SECONDS = 30
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


class AirflowApiError(RuntimeError):
    """The REST API could not be reached or answered something other than a page of DAG runs."""


def api_version() -> str:
    from airflow import __version__

    return "v2" if int(__version__.split(".")[0]) >= 3 else "v1"


def base_url() -> str:
    """GENOPS_AIRFLOW_API_URL, else the URL Airflow is configured with ([api] or [webserver] base_url)."""
    from airflow.configuration import conf

    url = config.optional(URL_SETTING)
    if url is None:
        section = "api" if api_version() == "v2" else "webserver"
        url = conf.get(section, "base_url", fallback="") or ""
    if not url.startswith(("https://", "http://")):
        raise config.InvalidSettingError(
            f"No Airflow REST API URL: {URL_SETTING} is unset and Airflow's base_url is {url!r}. Set {URL_SETTING} "
            "to the environment's Airflow URI (terraform output airflow_uri; Terraform: genops_airflow_api_url)."
        )
    return url.rstrip("/")


def get_json(url: str, params: dict) -> dict:
    """GET `url` with the environment's Google credentials; the decoded JSON body."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=SCOPES)
    response = AuthorizedSession(credentials).get(url, params=params, timeout=TIMEOUT_SECONDS)
    if response.status_code in (401, 403):
        raise AirflowApiError(
            f"{url} answered {response.status_code}: the caller needs access to the Airflow REST API (on Composer, "
            "composer.environments.get on the environment and an Airflow role that can read DAG runs)."
        )
    response.raise_for_status()
    return response.json()


def dag_runs_since(start: datetime) -> tuple[list[dict], bool]:
    """Runs of every DAG that started at or after `start`, newest first, and whether MAX_RUNS cut the list."""
    url = f"{base_url()}/api/{api_version()}/dags/~/dagRuns"
    runs: list[dict] = []
    while True:
        params = {"start_date_gte": start.isoformat(), "order_by": "-start_date", "limit": PAGE_SIZE}
        page = get_json(url, {**params, "offset": len(runs)})
        batch = page.get("dag_runs") if isinstance(page, dict) else None
        if not isinstance(batch, list):
            raise AirflowApiError(f"{url} did not return a page of DAG runs (no 'dag_runs' list): {str(page)[:200]}")
        runs += [_record(run) for run in batch]
        total = int(page.get("total_entries") or 0)
        if not batch or len(runs) >= min(total, MAX_RUNS):
            return runs[:MAX_RUNS], total > MAX_RUNS


def _record(run: dict) -> dict:
    """The fields the report uses, the same from API v1 and v2."""
    return {
        "dag_id": run.get("dag_id"),
        "run_id": run.get("dag_run_id"),
        "state": run.get("state"),
        "run_type": run.get("run_type"),
        "start_date": run.get("start_date"),
        "end_date": run.get("end_date"),
    }
