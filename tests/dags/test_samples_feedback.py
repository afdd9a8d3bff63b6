"""customer_service_feedback, run with dag.test(): only Gemini, GCS and BigQuery calls are fake."""

from __future__ import annotations

import pytest

from genops.evaluation.results import validate_row
from genops.samples import feedback
from tests.conftest import REPO
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples import answers
from tests.dags.samples.fakes import (
    BUCKET,
    ScriptedGenAIClient,
    install_fake_sample_bigquery,
    install_fake_sample_gcs,
)
from tests.dags.tuning_support import allow_reschedule_on_sqlite

TRANSCRIPT = "samples/inputs/feedback/transcript.txt"


@pytest.fixture
def services(genops_env):
    allow_reschedule_on_sqlite(genops_env)  # the transcript sensor runs in reschedule mode
    gcs = install_fake_sample_gcs(genops_env)
    gcs.put(BUCKET, TRANSCRIPT, (REPO / "samples/inputs/feedback/transcript.txt").read_bytes())
    return gcs, install_fake_sample_bigquery(genops_env, gcs)


def _run(dagbag, genops_env, reply: dict):
    client = ScriptedGenAIClient(replies={feedback.PROMPT: answers.text(reply)})
    install_fake_genai(genops_env, client)
    return client, run_dag(dagbag.get_dag("customer_service_feedback"))


def test_checked_feedback_is_written_and_loaded(dagbag, services, genops_env):
    gcs, bigquery = services
    client, result = _run(dagbag, genops_env, answers.FEEDBACK)

    assert result.state == "success", result.task_states
    assert result.task_states["within_daily_budget"] == "success"
    (call,) = client.generate_calls()
    assert call["config"]["response_mime_type"] == "application/json"
    assert call["config"]["response_schema"] == feedback.RESPONSE_SCHEMA
    file_part = call["contents"][0]["parts"][1]["file_data"]
    assert file_part == {"file_uri": f"gs://{BUCKET}/{TRANSCRIPT}", "mime_type": "text/plain"}

    (row,) = bigquery.loaded_rows
    assert validate_row(row, feedback.SCHEMA_FILE) == row
    assert row["competency"] == 9 and row["resolved"] is True and row["model"] == "gemini-3.8-flash"
    (job,) = bigquery.jobs
    load = job["configuration"]["load"]
    assert load["destinationTable"] == {
        "projectId": "genops-test-project",
        "datasetId": "genops",
        "tableId": "customer_feedback",
    }
    assert load["createDisposition"] == "CREATE_NEVER" and load["sourceFormat"] == "NEWLINE_DELIMITED_JSON"
    (written,) = gcs.uploads()
    assert written.startswith("samples/outputs/customer_service_feedback/") and written.endswith("/feedback.jsonl")
    assert load["sourceUris"] == [f"gs://{BUCKET}/{written}"]


def test_malformed_answer_fails_the_check_and_nothing_is_written_or_loaded(dagbag, services, genops_env, capfd, caplog):
    gcs, bigquery = services
    _, result = _run(dagbag, genops_env, answers.FEEDBACK_MALFORMED)

    assert result.task_states["score_transcript"] == "success"
    assert result.task_states["check_feedback"] == "failed"
    assert result.task_states["write_feedback"] == result.task_states["load_feedback"] == "upstream_failed"
    assert gcs.uploads() == [] and bigquery.jobs == []
    output = capfd.readouterr().out + caplog.text
    assert "competency: 11 is greater than the maximum of 10" in output
    assert "'reasoning' is a required property" in output and "'yes' is not of type 'boolean'" in output


def test_answer_that_is_not_json_is_rejected(dagbag, services, genops_env):
    gcs, bigquery = services
    client = ScriptedGenAIClient(replies={feedback.PROMPT: '{"personalization": 8, "compet'})
    install_fake_genai(genops_env, client)
    result = run_dag(dagbag.get_dag("customer_service_feedback"))

    assert result.task_states["check_feedback"] == "failed"
    assert gcs.uploads() == [] and bigquery.jobs == []
