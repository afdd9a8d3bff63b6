"""The local front of Airflow's REST API, called by composer_status_report's own code (google-auth's
AuthorizedSession with the local ADC) as on Composer; behind it a stand-in of Airflow's token-checking API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from scripts.local.cloud.airflow_front import AirflowFront
from scripts.local.cloud.credentials import LocalCredentials
from scripts.local.cloud.http import ApiError, Request, StandIn

LOGIN = ("admin", "s3cret")
RUN = {"dag_id": "d", "dag_run_id": "r1", "state": "success", "run_type": "manual", "start_date": "x", "end_date": "y"}


class Airflow(StandIn):
    """Airflow 3's API as the simple auth manager guards it: JWTs from /auth/token, 401 for any other token."""

    def __init__(self):
        super().__init__("airflow")
        self.issued: list[str] = []

        @self.route("POST", "/auth/token")
        def token(request: Request):
            if (request.json().get("username"), request.json().get("password")) != LOGIN:
                raise ApiError(401, "Invalid credentials")
            self.issued.append(f"jwt-{len(self.issued)}")
            return 201, {"access_token": self.issued[-1]}

        @self.route("GET", "/api/v2/dags/~/dagRuns")
        def runs(request: Request):
            if request.headers.get("authorization") != f"Bearer {self.issued[-1] if self.issued else None}":
                raise ApiError(401, "Not authenticated")
            offset = int(request.arg("offset", "0"))
            assert request.arg("order_by") == "-start_date" and request.arg("start_date_gte")
            return {"dag_runs": [RUN] if offset == 0 else [], "total_entries": 1}


@pytest.fixture
def stack(tmp_path, monkeypatch):
    credentials = LocalCredentials("genops-local")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials.write_adc(tmp_path / "adc.json")))
    with Airflow() as airflow, AirflowFront(airflow.url, LOGIN, tokens=credentials.issued) as front:
        monkeypatch.setenv("GENOPS_AIRFLOW_API_URL", front.url)
        yield airflow, front, credentials


def test_the_sample_reads_dag_runs_through_the_front_with_its_google_token(stack):
    from genops.samples.airflow_api import dag_runs_since

    airflow, front, _ = stack
    runs, cut = dag_runs_since(datetime.now(UTC) - timedelta(days=1))
    assert runs == [{**{k: v for k, v in RUN.items() if k != "dag_run_id"}, "run_id": "r1"}] and not cut
    assert airflow.issued == ["jwt-0"]  # one Airflow token, reused
    airflow.issued.append("jwt-rotated")  # Airflow no longer accepts the front's token: it gets a new one once
    assert dag_runs_since(datetime.now(UTC) - timedelta(days=1))[0] == runs
    assert airflow.issued[-1] == "jwt-2"


def status(url: str, token: str | None, method: str = "GET") -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers, method=method), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        json.load(error)  # Google's error body
        return error.code


def test_the_front_refuses_unknown_tokens_and_writes(stack):
    from genops.samples.airflow_api import dag_runs_since

    airflow, front, credentials = stack
    url = f"{front.url}/api/v2/dags/~/dagRuns?order_by=-start_date&start_date_gte=2024-01-01"
    assert status(url, None) == 401
    assert status(url, "ya29.not-issued-here") == 401
    assert status(url.replace("dags/~/dagRuns", "dags/d"), credentials.issue(), method="PATCH") == 405  # read-only
    assert airflow.requests == []  # nothing reached Airflow
    front.login = ("admin", "wrong")  # Airflow refuses the front's login: the caller gets a 503 naming Airflow
    with pytest.raises(Exception, match="503"):
        dag_runs_since(datetime.now(UTC) - timedelta(days=1))
