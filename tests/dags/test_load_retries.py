"""BigQuery loads with Airflow's retries on: the load job ran (rows are in the table) and the task failed
before it knew; the retry reattaches to that job instead of appending the rows again."""

from __future__ import annotations

import pytest
from google.api_core.exceptions import Conflict

from genops.core.load_jobs import load_job_id, submit_once
from genops.gemini.profiles import PROFILES
from genops.samples import feedback
from tests.conftest import REPO
from tests.dags.bigquery_fakes import JOB_ID, StrictBigQuery, install_strict_bigquery
from tests.dags.evaluation_fakes import ExperimentEvaluationService, install_experiment_evaluation
from tests.dags.fakes import FakeGCS, install_fake_gcs, install_fake_genai
from tests.dags.retrying import try_number
from tests.dags.runner import run_dag
from tests.dags.samples import answers
from tests.dags.samples.fakes import BUCKET, ScriptedGenAIClient, install_fake_sample_gcs
from tests.dags.tuning_support import allow_reschedule_on_sqlite

CONFIGS = [profile.name for profile in PROFILES]


def test_model_comparison_loads_its_rows_exactly_once_when_the_load_task_is_retried(dagbag, genops_env):
    install_fake_genai(genops_env)
    install_experiment_evaluation(genops_env, ExperimentEvaluationService())
    gcs = install_fake_gcs(genops_env, FakeGCS())
    bigquery = install_strict_bigquery(genops_env, StrictBigQuery(gcs, fail_after_load=1))
    result = run_dag(dagbag.get_dag("model_comparison"), retries=True)

    assert result.state == "success"
    assert try_number(result, "load_to_bigquery") == 2, "the first try failed after its job loaded the rows"
    assert len(bigquery.loaded_rows) == len(CONFIGS), "rows loaded exactly once"
    (job_id,) = bigquery.submitted
    assert job_id.startswith("genops_model_comparison_load_to_bigquery_") and JOB_ID.fullmatch(job_id)
    assert result.xcom("load_to_bigquery", key="job_id") == job_id


def test_a_sample_load_retried_after_its_job_ran_loads_the_row_once(dagbag, genops_env):
    allow_reschedule_on_sqlite(genops_env)
    gcs = install_fake_sample_gcs(genops_env)
    gcs.put(
        BUCKET, "samples/inputs/feedback/transcript.txt", (REPO / "samples/inputs/feedback/transcript.txt").read_bytes()
    )
    bigquery = install_strict_bigquery(genops_env, StrictBigQuery(gcs, fail_after_load=1))
    install_fake_genai(genops_env, ScriptedGenAIClient(replies={feedback.PROMPT: answers.text(answers.FEEDBACK)}))
    result = run_dag(dagbag.get_dag("customer_service_feedback"), retries=True)

    assert result.state == "success", result.task_states
    assert try_number(result, "load_feedback") == 2
    assert len(bigquery.loaded_rows) == 1 and len(bigquery.submitted) == 1


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
