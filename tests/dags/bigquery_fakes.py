"""BigQuery jobs as strict as the service, on top of tests/dags/fakes.FakeBigQuery (checked configurations,
real job objects): ids are unique (a second insert under one id is the real `google.api_core.exceptions.Conflict`)
and valid, `get_job` finds earlier jobs, and `fail_after_load` makes the next waits for finished loads fail with a
503 (`job.result()`, or the deferred operator's trigger polling `get_job_status`): the rows are in the
table, the task does not know it (the worst moment for a retry)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.dags.fakes import FakeBigQuery, checked_method

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,1024}")


@dataclass
class StrictJob:
    """The real job object, whose `result()` may first fail as the service can."""

    job: object
    service: StrictBigQuery

    def __getattr__(self, name):
        return getattr(self.job, name)

    def result(self, timeout=None, retry=None):
        from google.api_core.exceptions import ServiceUnavailable

        if self.service.fail_after_load > 0:
            self.service.fail_after_load -= 1
            raise ServiceUnavailable(f"503 GET jobs/{self.job.job_id}: The service is currently unavailable.")
        return self.job.result(timeout=timeout, retry=retry)


@dataclass
class StrictBigQuery(FakeBigQuery):
    fail_after_load: int = 0
    submitted: dict[str, StrictJob] = field(default_factory=dict)

    def insert_job(self, configuration, job_id, project_id, location, nowait, retry, timeout):
        from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook
        from google.api_core.exceptions import BadRequest, Conflict

        job_id = job_id or BigQueryHook._custom_job_id(configuration)  # what the hook sends when given no id
        if not JOB_ID.fullmatch(job_id):
            raise BadRequest(f"Invalid job ID {job_id!r}")
        if job_id in self.submitted:
            raise Conflict(f"Already Exists: Job {project_id}:{location}.{job_id}")
        real = super().insert_job(configuration, job_id, project_id, location, nowait, retry, timeout)  # loads
        job = self.submitted[job_id] = StrictJob(real, self)
        if not nowait:
            job.result()
        return job

    async def get_job_status(self, job_id, project_id, location):
        """What the deferred operator's trigger polls; fails first while `fail_after_load` lasts (the load ran)."""
        from google.api_core.exceptions import ServiceUnavailable

        if job_id in self.submitted and self.fail_after_load > 0:
            self.fail_after_load -= 1
            raise ServiceUnavailable(f"503 GET jobs/{job_id}: The service is currently unavailable.")
        return await super().get_job_status(job_id, project_id, location)

    def get_job(self, job_id, project_id, location):
        from google.api_core.exceptions import NotFound

        if job_id not in self.submitted:
            raise NotFound(f"Not found: Job {project_id}:{location}.{job_id}")
        return self.submitted[job_id]


def install_strict_bigquery(monkeypatch, bigquery: StrictBigQuery) -> StrictBigQuery:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryAsyncHook, BigQueryHook
    from google.auth.credentials import AnonymousCredentials

    status = {"job_id", "project_id", "location"}
    monkeypatch.setattr(
        BigQueryAsyncHook,
        "get_job_status",
        checked_method(BigQueryAsyncHook.get_job_status, bigquery.get_job_status, supported=status),
    )
    insert = {"configuration", "job_id", "project_id", "location", "nowait", "retry", "timeout"}
    monkeypatch.setattr(
        BigQueryHook, "insert_job", checked_method(BigQueryHook.insert_job, bigquery.insert_job, supported=insert)
    )
    get = {"job_id", "project_id", "location"}
    monkeypatch.setattr(BigQueryHook, "get_job", checked_method(BigQueryHook.get_job, bigquery.get_job, supported=get))
    monkeypatch.setattr(
        BigQueryHook, "get_credentials_and_project_id", lambda hook: (AnonymousCredentials(), bigquery.project_id)
    )
    return bigquery
