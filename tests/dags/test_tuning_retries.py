"""Tuning is paid from the moment a job exists: one job per DAG run, whatever fails and retries, and a wait
that gives up cancels it. Runs keep Airflow's retries (tests.dags.retrying); failures are injected after the
side effect (the job was created, the response was lost)."""

from __future__ import annotations

import logging

import pytest

from genops.core import config
from genops.core.naming import LABEL_VALUE_MAX, label_value
from genops.tuning.jobs import base_model_label
from tests.dags.fakes import (
    REALISTIC_SUMMARY,
    TUNED_ENDPOINT,
    FakeEvaluationService,
    install_fake_evaluation,
    install_fake_gcs,
    install_fake_genai,
)
from tests.dags.retrying import try_number
from tests.dags.runner import run_dag
from tests.dags.tuning_fakes import LABEL_VALUE, TuningGenAIClient
from tests.dags.tuning_support import allow_reschedule_on_sqlite, bucket_with_training_data, without_poke_waits

START, WAIT = "tuning.start_tuning_job", "tuning.wait_for_tuning_job"


@pytest.fixture
def tune(dagbag, genops_env):
    allow_reschedule_on_sqlite(genops_env)

    def run(client: TuningGenAIClient, dag_id: str = "supervised_fine_tuning", wait_timeout: float | None = None):
        install_fake_genai(genops_env, client)
        install_fake_gcs(genops_env, bucket_with_training_data())
        dag = without_poke_waits(dagbag.get_dag(dag_id))  # a copy: its sensors may be changed
        if wait_timeout is not None:
            dag.get_task(WAIT).timeout = wait_timeout
        return run_dag(dag, retries=True)

    return run


def test_a_retry_after_the_job_was_created_reattaches_instead_of_starting_a_second_paid_job(tune):
    client = TuningGenAIClient(tuning_states=["JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"], lose_create_responses=1)
    result = tune(client)

    assert result.state == "success"
    assert try_number(result, START) == 2, "the first try failed after creating the job"
    assert len(client.jobs) == 1, f"one paid job per run, got {sorted(client.jobs)}"
    (job,) = client.jobs.values()
    run_id = result.task_instances[0].run_id
    assert job.labels == {
        "genops_dag": label_value("supervised_fine_tuning"),
        "genops_run": label_value(run_id),
        "genops_try": "1",
        "genops_base_model": base_model_label(config.SETTINGS["GENOPS_TUNING_SOURCE_MODEL"].default),
    }
    assert result.xcom(START) == job.name
    assert result.xcom(WAIT, key="tuned_model_endpoint_name") == TUNED_ENDPOINT
    lists = [c.kwargs["filter"] for c in client.calls if c.method == "tunings.list"]
    assert (
        lists == [f'labels.genops_dag="{job.labels["genops_dag"]}" AND labels.genops_run="{label_value(run_id)}"'] * 2
    )


def test_clearing_the_whole_run_later_still_reattaches(tune):
    """A second run of the start task (any try) of the same DAG run finds the job, even a finished one."""
    client = TuningGenAIClient(tuning_states=["JOB_STATE_SUCCEEDED"])
    first = tune(client)
    (job,) = client.jobs.values()
    from genops.tuning.jobs import RunLineage, start_or_reattach

    again = start_or_reattach(
        client,
        RunLineage("supervised_fine_tuning", first.task_instances[0].run_id, try_number=3),
        base_model="gemini-3.8-flash",
        training_data_uri="gs://genops-test-data/training/sft_train.jsonl",
        display_name="genops-tuned",
    )
    assert again.name == job.name and len(client.jobs) == 1
    other_run = start_or_reattach(
        client,
        RunLineage("supervised_fine_tuning", "manual__another", try_number=1),
        base_model="gemini-3.8-flash",
        training_data_uri="gs://genops-test-data/training/sft_train.jsonl",
        display_name="genops-tuned",
    )
    assert other_run.name != job.name and len(client.jobs) == 2, "another DAG run tunes again"


def test_the_pipeline_retry_also_tunes_once(tune, genops_env):
    client = TuningGenAIClient(tuning_states=["JOB_STATE_SUCCEEDED"], lose_create_responses=1)
    # The evaluation of the tuned endpoint answers too, so the whole pipeline runs to its end.
    install_fake_evaluation(genops_env, FakeEvaluationService(summaries=[REALISTIC_SUMMARY]))
    result = tune(client, dag_id="genops_pipeline")

    assert result.state == "success", result.task_states
    assert try_number(result, START) == 2, "the first try failed after creating the job"
    assert len(client.jobs) == 1


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("JOB_STATE_PARTIALLY_SUCCEEDED", "only partially succeeded"),
        ("JOB_STATE_PAUSED", "is paused"),
        ("JOB_STATE_EXPIRED", "expired"),
        ("JOB_STATE_CANCELLED", "was cancelled"),
        ("JOB_STATE_FAILED", "failed"),
    ],
)
def test_every_end_state_without_a_model_fails_the_wait_at_once_without_retrying(tune, state, says, capfd, caplog):
    caplog.set_level(logging.INFO)
    client = TuningGenAIClient(tuning_states=["JOB_STATE_RUNNING", state])
    result = tune(client, wait_timeout=3600)

    assert result.task_states[WAIT] == "failed"
    assert try_number(result, WAIT) == 1, "an end state is not retried"
    (job,) = client.jobs
    assert client.polls[job] == 2, "failed at the poll that saw the end state, not at the timeout"
    output = capfd.readouterr().out + caplog.text
    assert f"Tuning job {job} {says}" in output and f"({state})" in output
    assert "tunings.cancel" not in client.methods_called()


def test_a_wait_that_times_out_cancels_the_job(tune, capfd, caplog):
    caplog.set_level(logging.INFO)
    client = TuningGenAIClient(tuning_states=["JOB_STATE_RUNNING"])
    result = tune(client, wait_timeout=0)

    assert result.task_states[WAIT] == "failed"
    (name,) = client.jobs
    assert client.job_states() == {name: "JOB_STATE_CANCELLED"}
    assert client.methods_called().count("tunings.cancel") == 1
    assert "the wait timed out" in capfd.readouterr().out + caplog.text


def test_killing_the_wait_cancels_a_running_job_and_leaves_a_finished_one(genops_env):
    from genops.tuning.jobs import RunLineage, start_or_reattach
    from genops.tuning.tasks import TuningJobSensor

    client = TuningGenAIClient(tuning_states=["JOB_STATE_RUNNING"])
    install_fake_genai(genops_env, client)
    job = start_or_reattach(
        client,
        RunLineage("d", "r", 1),
        base_model="gemini-3.8-flash",
        training_data_uri="gs://b/t.jsonl",
        display_name="t",
    )
    sensor = TuningJobSensor(task_id="wait", job_name=job.name)
    sensor.on_kill()
    assert client.job_states() == {job.name: "JOB_STATE_CANCELLED"}

    sensor.on_kill()  # already cancelled: no second cancel, no error
    assert client.methods_called().count("tunings.cancel") == 1


@pytest.mark.parametrize(
    "text",
    ["manual__2026-08-01T12:00:00+00:00", "Run:1", "run+1", "x" * 300, "scheduled__2026-08-01T00:00:00+00:00"],
)
def test_label_values_are_valid_and_tell_runs_apart(text):
    value = label_value(text)
    assert LABEL_VALUE.fullmatch(value) and len(value) <= LABEL_VALUE_MAX
    assert value == label_value(text), "the same on every try"
    assert label_value("Run:1") != label_value("run+1") != label_value("run_1")
