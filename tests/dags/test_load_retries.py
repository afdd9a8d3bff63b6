"""BigQuery loads with Airflow's retries on, on the wire: the provider's operator and the real
google-cloud-bigquery client (and, while the load is deferred, the trigger's async hook) talk to the strict
BigQuery stand-in, which reads the source object from the Cloud Storage emulator. The load job ran (its rows are
in the table) and the task failed before it knew, because the trigger's first poll of that job was lost (a 504
Gateway Timeout); the retry's insert under the same job id gets BigQuery's 409 "Already Exists" and reattaches to the
finished job instead of appending the rows again."""

from __future__ import annotations

import json
import re

import pytest
from google.api_core.exceptions import Conflict

from genops.core import config
from genops.core.load_jobs import load_job_id, submit_once
from genops.gemini.profiles import PROFILES
from genops.samples import feedback
from tests.conftest import REPO
from tests.dags.fakes import install_fake_genai
from tests.dags.retrying import try_number
from tests.dags.samples import answers
from tests.dags.samples.fakes import ScriptedGenAIClient
from tests.dags.wire import (  # noqa: F401  (wire_fixture: the `wire` fixture)
    BUCKET,
    DATASET,
    PROJECT,
    TABLE,
    run,
    wire_fixture,
)

CONFIGS = [profile.name for profile in PROFILES]
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,1024}")  # BigQuery's rule for a job id
TRANSCRIPT = "samples/inputs/feedback/transcript.txt"


def lose_the_first_poll_of(wire, job_prefix: str) -> None:
    """The first GET of the load job (the deferred operator's trigger polling it) answers 504 Gateway Timeout, which
    the client does not retry: the job ran and its rows are in the table, but the task fails without knowing it."""
    wire.gcp.bigquery.add_fault(rf"/jobs/{job_prefix}[^/]*$", method="GET", status=504, times=1)


def load_jobs(wire) -> dict[str, dict]:
    """The load jobs the stand-in ran, by job id (jobs.query's own jobs left out)."""
    return {job_id: job for (_, job_id), job in wire.gcp.bigquery.jobs.items() if "load" in job["configuration"]}


def load_inserts(wire) -> list[dict]:
    return [r for r in wire.gcp.bigquery.requests if r["method"] == "POST" and r["path"].endswith("/jobs")]


def test_model_comparison_loads_its_rows_exactly_once_when_the_load_task_is_retried(dagbag, wire):
    lose_the_first_poll_of(wire, "genops_model_comparison_load_to_bigquery_")
    result = run(dagbag.get_dag("model_comparison"), retries=1)

    assert result.state == "success", result.task_states
    assert try_number(result, "load_to_bigquery") == 2, "the first try failed after its job loaded the rows"
    rows = wire.gcp.bigquery.rows(PROJECT, DATASET, TABLE)
    assert sorted(row["model_config"] for row in rows) == sorted(CONFIGS), "rows loaded exactly once"
    (job_id,) = load_jobs(wire)
    assert job_id.startswith("genops_model_comparison_load_to_bigquery_") and JOB_ID.fullmatch(job_id)
    assert [r["status"] for r in load_inserts(wire)] == [200, 409], "the retry reattached under the same id"
    assert result.xcom("load_to_bigquery", key="job_id") == job_id


def test_a_sample_load_retried_after_its_job_ran_loads_the_row_once(dagbag, wire, genops_env):
    wire.gcp.gcs.put(BUCKET, TRANSCRIPT, (REPO / TRANSCRIPT).read_bytes(), "text/plain")
    table = config.get(feedback.TABLE_SETTING)  # the table Terraform creates
    schema = json.loads(feedback.SCHEMA_FILE.read_text())
    wire.gcp.bigquery.create_table(PROJECT, DATASET, table, schema)
    install_fake_genai(genops_env, ScriptedGenAIClient(replies={feedback.PROMPT: answers.text(answers.FEEDBACK)}))
    lose_the_first_poll_of(wire, "genops_customer_service_feedback_load_feedback_")
    result = run(dagbag.get_dag("customer_service_feedback"), retries=1)

    assert result.state == "success", result.task_states
    assert try_number(result, "load_feedback") == 2
    assert len(wire.gcp.bigquery.rows(PROJECT, DATASET, table)) == 1 and len(load_jobs(wire)) == 1
    assert [r["status"] for r in load_inserts(wire)] == [200, 409]


def _id(**overrides) -> str:
    load = {
        "dag_id": "d",
        "run_id": "manual__2026-08-01T12:00:00+00:00",
        "task_id": "load",
        "map_index": -1,
        "source_uris": ["gs://b/reports/d/r/x.jsonl"],
        "destination": {"projectId": "p", "datasetId": "genops", "tableId": "t"},
    }
    return load_job_id(**{**load, **overrides})


def test_load_job_ids_are_valid_stable_and_differ_for_every_other_load():
    assert JOB_ID.fullmatch(_id()) and _id() == _id()
    others = [
        _id(run_id="manual__2"),
        _id(task_id="load_2"),
        _id(map_index=3),
        _id(source_uris=["gs://b/other.jsonl"]),
        _id(destination={"projectId": "p", "datasetId": "genops", "tableId": "u"}),
    ]
    assert len({_id(), *others}) == 6


class _Job:
    def __init__(self, job_id, state="DONE", error_result=None):
        self.job_id, self.state, self.error_result = job_id, state, error_result


def test_submit_once_reattaches_to_a_finished_or_running_job_and_steps_over_a_failed_one():
    jobs = {"j": _Job("j", error_result={"reason": "invalid"}), "j_2": _Job("j_2", state="RUNNING")}
    inserted = []

    def insert(job_id):
        if job_id in jobs:
            raise Conflict(f"Already Exists: Job p:US.{job_id}")
        inserted.append(job_id)
        return jobs.setdefault(job_id, _Job(job_id))

    assert submit_once(insert, jobs.get, "j").job_id == "j_2" and inserted == []
    jobs["j_2"].state, jobs["j_2"].error_result = "DONE", {"reason": "backendError"}
    assert submit_once(insert, jobs.get, "j").job_id == "j_3" and inserted == ["j_3"]
    assert submit_once(insert, jobs.get, "j").job_id == "j_3" and inserted == ["j_3"]


@pytest.mark.parametrize("failed", [10])
def test_submit_once_gives_up_after_repeated_failed_loads(failed):
    jobs = {("j" if n == 1 else f"j_{n}"): _Job("x", error_result={"reason": "invalid"}) for n in range(1, failed + 1)}

    def insert(job_id):
        raise Conflict(job_id)

    with pytest.raises(RuntimeError, match="failed 10 times"):
        submit_once(insert, jobs.get, "j")
