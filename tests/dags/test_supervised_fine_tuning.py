"""supervised_fine_tuning: real sensors in reschedule mode and real tasks; fake google-genai client and GCSHook."""

from __future__ import annotations

import pytest

from genops.tuning.training_data import SAMPLE_DATASET
from tests.dags.fakes import (
    TUNED_ENDPOINT,
    TUNED_MODEL,
    TUNING_JOB,
    install_fake_gcs,
    install_fake_genai,
)
from tests.dags.runner import run_dag
from tests.dags.tuning_fakes import TuningGenAIClient
from tests.dags.tuning_support import (
    allow_reschedule_on_sqlite,
    bucket_with_training_data,
    reschedules,
    without_poke_waits,
)

WAIT = "tuning.wait_for_tuning_job"


@pytest.fixture
def run_tuning(dagbag, genops_env):
    """Run the DAG against a tuning job that reports `states` in turn, with `data` as the training file."""
    allow_reschedule_on_sqlite(genops_env)

    def run(states: list[str], data: bytes | None = None):
        genai = install_fake_genai(genops_env, TuningGenAIClient(tuning_states=states))
        gcs = install_fake_gcs(genops_env, bucket_with_training_data(data))
        return run_dag(without_poke_waits(dagbag.get_dag("supervised_fine_tuning"))), genai.client, gcs

    return run


def test_sensor_gives_back_the_worker_while_the_job_runs_and_publishes_the_tuned_model(run_tuning, genops_env):
    genops_env.setenv("GENOPS_TUNING_SOURCE_MODEL", "gemini-3.5-flash-lite")
    result, client, gcs = run_tuning(["JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"])

    assert result.state == "success"
    assert client.methods_called() == [
        "models.get",  # preflight: GENOPS_TUNING_SOURCE_MODEL exists
        "tunings.list",
        "tunings.tune",
        "tunings.get",
        "tunings.get",
        "tunings.get",
    ]
    assert reschedules(result, WAIT) == 2, "each unfinished poll must hand the slot back (up_for_reschedule)"
    assert next(ti for ti in result.task_instances if ti.task_id == WAIT).try_number == 1, "not retried, rescheduled"
    (tune,) = [c.kwargs["request"] for c in client.calls if c.method == "tunings.tune"]
    assert tune["baseModel"] == "gemini-3.5-flash-lite"
    assert tune["supervisedTuningSpec"]["trainingDatasetUri"] == "gs://genops-test-data/training/sft_train.jsonl"
    assert tune["tunedModelDisplayName"] == "genops-tuned"
    assert {c.kwargs["name"] for c in client.calls if c.method == "tunings.get"} == {TUNING_JOB}
    assert result.xcom(WAIT, key="tuned_model_name") == TUNED_MODEL
    assert result.xcom(WAIT, key="tuned_model_endpoint_name") == TUNED_ENDPOINT
    assert result.xcom("tuning.validate_training_data")["examples"] == len(SAMPLE_DATASET.read_text().splitlines())
    assert gcs.methods_called() == ["exists", "download"]


def test_a_failed_job_fails_the_dag_with_the_jobs_own_error(run_tuning, capfd, caplog):
    result, client, _ = run_tuning(["JOB_STATE_RUNNING", "JOB_STATE_FAILED"])

    assert result.state == "failed"
    assert result.task_states[WAIT] == "failed"
    assert client.methods_called() == ["models.get", "tunings.list", "tunings.tune", "tunings.get", "tunings.get"]
    output = capfd.readouterr().out + caplog.text
    assert f"Tuning job {TUNING_JOB} failed (JOB_STATE_FAILED): {client.tuning_error}" in output
    assert result.xcom(WAIT, key="tuned_model_endpoint_name") is None


def test_bad_training_data_stops_the_dag_before_any_tuning_call(run_tuning, capfd, caplog):
    lines = SAMPLE_DATASET.read_text().splitlines()
    lines[2] = '{"contents": [{"role": "user", "parts": [{"text": "Summarize this."}]}]}'
    result, client, _ = run_tuning(["JOB_STATE_SUCCEEDED"], data="\n".join(lines).encode())

    assert result.task_states["tuning.validate_training_data"] == "failed"
    assert result.task_states["tuning.start_tuning_job"] == "upstream_failed"
    assert client.methods_called() == ["models.get"], "no tuning call on bad data (only the preflight's check)"
    output = capfd.readouterr().out + caplog.text
    assert "gs://genops-test-data/training/sft_train.jsonl:3: the last turn is the user's" in output


def test_missing_training_file_keeps_the_sensor_waiting_without_tuning(dagbag, genops_env):
    """The file sensor is a real gate: with no object, nothing downstream runs (here: it times out at once)."""
    allow_reschedule_on_sqlite(genops_env)
    genai = install_fake_genai(genops_env)
    gcs = install_fake_gcs(genops_env)  # empty bucket
    dag = without_poke_waits(dagbag.get_dag("supervised_fine_tuning"))
    dag.get_task("tuning.wait_for_training_data").timeout = 0
    result = run_dag(dag)

    assert result.task_states["tuning.wait_for_training_data"] == "failed"
    assert result.task_states["tuning.validate_training_data"] == "upstream_failed"
    assert gcs.methods_called() == ["exists"] and genai.client.methods_called() == ["models.get"]
