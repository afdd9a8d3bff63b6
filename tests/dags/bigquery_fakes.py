"""BigQuery jobs as strict as the service: ids are unique (a second insert under one id is the real
`google.api_core.exceptions.Conflict`), ids and load configurations are checked (`LoadJobConfig.from_api_repr`),
`get_job` finds earlier jobs, and `fail_after_load` makes the next waits for finished loads fail with a 503:
the rows are in the table, the task does not know it (the worst moment for a retry)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.dags.fakes import FakeBigQuery

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,1024}")


@dataclass
class StrictJob:
    job_id: str
    configuration: dict
    service: StrictBigQuery
    state: str = "DONE"
    error_result: dict | None = None

    def result(self, timeout=None, retry=None):
        from google.api_core.exceptions import ServiceUnavailable

        if self.service.fail_after_load > 0:
            self.service.fail_after_load -= 1
            raise ServiceUnavailable(f"503 GET jobs/{self.job_id}: The service is currently unavailable.")
        return self

    def to_api_repr(self) -> dict:
        return {"jobReference": {"jobId": self.job_id}, "configuration": self.configuration}


@dataclass
class StrictBigQuery(FakeBigQuery):
    fail_after_load: int = 0
    submitted: dict[str, StrictJob] = field(default_factory=dict)

    def insert_job(
        self, configuration, job_id=None, project_id=None, location=None, nowait=False, retry=None, timeout=None
    ):
        from google.api_core.exceptions import BadRequest, Conflict
        from google.cloud.bigquery import LoadJobConfig

        if job_id is None or not JOB_ID.fullmatch(job_id):
            raise BadRequest(f"Invalid job ID {job_id!r}")
        if set(configuration) != {"load"}:
            raise BadRequest(f"expected one load job configuration, got {sorted(configuration)}")
        LoadJobConfig.from_api_repr(configuration)  # what the client library builds the request from
        if job_id in self.submitted:
            raise Conflict(f"Already Exists: Job {project_id}:{location}.{job_id}")
        super().insert_job(configuration, job_id=job_id, project_id=project_id, location=location)  # loads the rows
        job = self.submitted[job_id] = StrictJob(job_id, configuration, self)
        return job if nowait else job.result()

    def get_job(self, job_id, project_id=None, location=None):
        from google.api_core.exceptions import NotFound

        if job_id not in self.submitted:
            raise NotFound(f"Not found: Job {project_id}:{location}.{job_id}")
        return self.submitted[job_id]


def install_strict_bigquery(monkeypatch, bigquery: StrictBigQuery) -> StrictBigQuery:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook
    from google.auth.credentials import AnonymousCredentials

    monkeypatch.setattr(BigQueryHook, "insert_job", lambda hook, **kwargs: bigquery.insert_job(**kwargs))
    monkeypatch.setattr(BigQueryHook, "get_job", lambda hook, **kwargs: bigquery.get_job(**kwargs))
    monkeypatch.setattr(
        BigQueryHook, "get_credentials_and_project_id", lambda hook: (AnonymousCredentials(), bigquery.project_id)
    )
    return bigquery
