"""Evaluation in batch mode on the wire: google-genai's batches.create/get/list/cancel over HTTP to the Vertex AI
stand-in, the requests and predictions in the Cloud Storage emulator, the usage ledger in the BigQuery stand-in.

Every test keeps Airflow's retries on where a retry could pay twice, and injects its failure after the side
effect (a create whose response is lost, a job that ended, an answer that is missing).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from genops.core import config
from genops.core.naming import label_value
from genops.gemini.prompts import load_eval_dataset
from genops.usage import prices
from scripts.local.cloud.vertex_batch import DROP_MARKER, EXPIRE_MARKER, FAIL_MARKER
from tests.dags.wire import (  # noqa: F401  (wire_fixture: the `wire` fixture)
    BUCKET,
    DATASET,
    PROJECT,
    REGION,
    USAGE_TABLE,
    fast,
    run,
    wire_fixture,
)

FLASH = {"model_setting": "GENOPS_FLASH_MODEL"}
# The default "pro" model is one the model table prices (the flash default has no published output price).
PRICED = {**FLASH, "model_setting": "GENOPS_PRO_MODEL"}
PARENT = f"projects/{PROJECT}/locations/{REGION}"
FLASH_MODEL = config.SETTINGS["GENOPS_FLASH_MODEL"].default


def jobs(wire) -> list[dict]:
    return wire.vertex.batch.list(PARENT, None, None, None).get("batchPredictionJobs", [])


def creates(wire) -> list[dict]:
    return [r for r in wire.vertex.requests if r["method"] == "POST" and r["path"].endswith("/batchPredictionJobs")]


def examples_with(marker: str, index: int, monkeypatch) -> list[dict]:
    from genops.gemini import prompts

    examples = prompts.load_eval_dataset()
    examples[index] = {**examples[index], "context": f"{marker} {examples[index]['context']}"}
    monkeypatch.setattr(prompts, "load_eval_dataset", lambda *args: examples)
    return examples


@pytest.fixture
def batch_mode(monkeypatch):
    monkeypatch.setenv("GENOPS_EVAL_MODE", "batch")


def test_run_evaluation_in_batch_mode_sends_the_online_requests_and_scores_the_same_answers(dagbag, wire, monkeypatch):
    online = run(dagbag.get_dag("run_evaluation"), conf=FLASH)
    assert online.state == "success", online.task_states
    sent_online = [r["body"] for r in wire.vertex_calls(":generateContent")]
    monkeypatch.setenv("GENOPS_EVAL_MODE", "batch")
    wire.vertex.reset_requests()

    with wire.jobs_run_until_polled("batchPredictionJobs"):
        batched = run(dagbag.get_dag("run_evaluation"), conf=FLASH)

    assert batched.state == "success", batched.task_states
    assert not wire.vertex_calls(":generateContent"), "batch mode answers through the job, not online"
    (job,) = jobs(wire)
    run_id = batched.task_instances[0].run_id
    assert job["labels"] == {
        "genops_dag": label_value("run_evaluation"),
        "genops_run": label_value(run_id),
        "genops_config": label_value("flash"),
        "genops_try": "1",
    }
    assert job["model"] == f"publishers/google/models/{FLASH_MODEL}" and job["state"] == "JOB_STATE_SUCCEEDED"
    source = job["inputConfig"]["gcsSource"]["uris"][0]
    lines = [json.loads(line) for line in wire.bucket_objects()[source.split("/", 3)[3]].decode().splitlines()]
    # each line is the online request (config, system instruction, safety settings), labelled with its example
    assert [line["request"].pop("labels") for line in lines] == [{"genops_example": str(i)} for i in range(8)]
    # online requests run concurrently: the stand-in saw them in any order
    assert sorted(json.dumps(line["request"], sort_keys=True) for line in lines) == sorted(
        json.dumps(body, sort_keys=True) for body in sent_online
    )
    assert batched.xcom("generate_responses") == online.xcom("generate_responses"), "answers in the input's order"
    metrics = ("summary_metrics", "row_count", "model", "model_config")
    assert {k: batched.xcom("evaluate")[k] for k in metrics} == {k: online.xcom("evaluate")[k] for k in metrics}
    polls = [r for r in wire.vertex.requests if r["method"] == "GET" and "/batchPredictionJobs/" in r["path"]]
    assert len(polls) >= 2, "the sensor saw the job running before it succeeded"


def test_batch_answers_are_ledger_rows_at_the_batch_price(dagbag, wire, batch_mode):
    result = run(dagbag.get_dag("run_evaluation"), conf=PRICED)

    assert result.state == "success", result.task_states
    rows = [
        row
        for row in wire.gcp.bigquery.rows(PROJECT, DATASET, USAGE_TABLE)
        if row["call_kind"] == prices.BATCH_GENERATE_CONTENT
    ]
    assert len(rows) == 8 and {row["task_id"] for row in rows} == {"generate_responses"}
    for row in rows:
        assert row["output_tokens"] > 0 and row["prompt_tokens"] > 0
        counts = {"prompt_tokens": row["prompt_tokens"], "cached_tokens": row["cached_tokens"]}
        batch = prices.estimate(
            row["model"],
            row["call_kind"],
            **counts,
            output_tokens=row["output_tokens"],
            thinking_tokens=row["thinking_tokens"],
        )
        online = prices.estimate(
            row["model"],
            "generate_content",
            **counts,
            output_tokens=row["output_tokens"],
            thinking_tokens=row["thinking_tokens"],
        )
        assert row["estimated_cost_usd"] == pytest.approx(batch) and batch == pytest.approx(online / 2)


def test_the_tuned_models_batch_evaluation_records_its_base_model_in_the_ledger(dagbag, wire, batch_mode):
    result = run(dagbag.get_dag("genops_pipeline"))

    assert result.state == "success", result.task_states
    wait = "tuning.wait_for_tuning_job"
    endpoint, base = (result.xcom(wait, key=key) for key in ("tuned_model_endpoint_name", "tuned_model_base_model"))
    (job,) = jobs(wire)
    assert job["model"] == result.xcom(wait, key="tuned_model_name"), "the batch job names the tuned model"
    tasks = ("submit_evaluation", "evaluate_tuned_model")
    rows = [r for r in wire.gcp.bigquery.rows(PROJECT, DATASET, USAGE_TABLE) if r["task_id"] in tasks]
    assert {(r["task_id"], r["call_kind"]) for r in rows} == {
        ("submit_evaluation", "count_tokens"),  # the job's estimate
        ("evaluate_tuned_model", prices.BATCH_GENERATE_CONTENT),
    }
    assert base == config.get("GENOPS_TUNING_SOURCE_MODEL")
    assert {(r["model"], r["base_model"]) for r in rows} == {(endpoint, base)}
    assert result.xcom("evaluate_tuned_model")["base_model"] == base


def test_a_lost_create_response_creates_one_job(dagbag, wire, batch_mode):
    wire.vertex.add_fault(r"/batchPredictionJobs$", method="POST", status=503, after=True, times=1)

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=FLASH)

    assert result.state == "success", result.task_states
    assert result.try_numbers()["submit"] == 2, "the first try lost the create response"
    assert len(creates(wire)) == 1 and len(jobs(wire)) == 1, "one run, one paid batch job"


def test_a_clear_after_the_job_succeeded_reattaches(dagbag, wire, batch_mode):
    from genops.evaluation.answers import submit
    from genops.evaluation.scoring import evaluation_profile

    first = run(dagbag.get_dag("run_evaluation"), conf=FLASH)
    assert first.state == "success", first.task_states
    (job,) = jobs(wire)
    run_id = first.task_instances[0].run_id
    cleared = {"dag": SimpleNamespace(dag_id="run_evaluation"), "run_id": run_id, "ti": SimpleNamespace(try_number=4)}

    again = submit(
        load_eval_dataset(),
        model_config="flash",
        model=FLASH_MODEL,
        profile=evaluation_profile("GENOPS_FLASH_MODEL"),
        context=cleared,
    )

    assert again["job"] == job["name"] and len(creates(wire)) == 1, "a Clear reattaches; nothing is paid twice"


@pytest.mark.parametrize(
    ("marker", "state", "says"),
    [
        (FAIL_MARKER, "JOB_STATE_FAILED", "asked this local stand-in to fail"),
        (EXPIRE_MARKER, "JOB_STATE_EXPIRED", "expired"),
    ],
)
def test_a_job_that_ends_without_answers_fails_with_its_message(
    dagbag, wire, batch_mode, monkeypatch, capfd, caplog, marker, state, says
):
    examples_with(marker, 2, monkeypatch)

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=FLASH)

    assert result.state == "failed"
    assert result.task_states["wait_for_batch"] == "failed"
    assert result.try_numbers()["wait_for_batch"] == 1, "an ended job is final: no retry waits again"
    logs = capfd.readouterr().out + caplog.text
    assert state in logs and says in logs
    assert result.task_states["evaluate"] in {"upstream_failed", None}
    assert len(creates(wire)) == 1


def test_a_missing_answer_fails_naming_the_example(dagbag, wire, batch_mode, monkeypatch, capfd, caplog):
    examples_with(DROP_MARKER, 5, monkeypatch)

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=FLASH)

    assert result.state == "failed"
    assert result.task_states["wait_for_batch"] == "success"
    assert result.task_states["generate_responses"] == "failed"
    assert result.try_numbers()["generate_responses"] == 1, "a missing answer does not come back on a retry"
    logs = capfd.readouterr().out + caplog.text
    assert "example 6 has no prediction line" in logs and "1 of 8 evaluation examples have no answer" in logs
    assert result.task_states["evaluate"] in {"upstream_failed", None}, "nothing is averaged over fewer examples"


def test_the_daily_gate_refuses_a_batch_that_would_cross_the_budget_before_submitting(
    dagbag, wire, batch_mode, monkeypatch, capfd, caplog
):
    # 8 answers of at most 1024 tokens at the pro model's batch price: above 0.005 USD; today's ledger is empty
    monkeypatch.setenv("GENOPS_DAILY_COST_BUDGET_USD", "0.005")

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=PRICED)

    assert result.task_states["within_daily_budget"] == "success", "today's spend alone is within the budget"
    assert result.task_states["submit"] == "failed" and result.try_numbers()["submit"] == 1
    assert not creates(wire) and not jobs(wire), "refused before submitting"
    assert not [name for name in wire.bucket_objects() if name.startswith("batch/")], "nothing was written"
    logs = capfd.readouterr().out + caplog.text
    assert "over the daily budget of 0.005 USD" in logs


def test_a_wait_that_times_out_cancels_the_job(dagbag, wire, batch_mode, monkeypatch):
    wire.vertex.batch.running_seconds = 60.0
    dag = fast(dagbag.get_dag("run_evaluation"))  # a copy: its sensor's timeout may be changed
    dag.get_task("wait_for_batch").timeout = 0.5

    result = run(dag, retries=1, conf=FLASH)

    assert result.task_states["wait_for_batch"] == "failed"
    (job,) = jobs(wire)
    assert job["state"] in {"JOB_STATE_CANCELLING", "JOB_STATE_CANCELLED"}
    cancels = [r for r in wire.vertex.requests if r["path"].endswith(":cancel")]
    assert len(cancels) == 1


@pytest.mark.slow
def test_model_comparison_in_batch_mode_loads_the_rows_online_loads(dagbag, wire, monkeypatch):
    from genops.gemini.profiles import PROFILES

    online = run(dagbag.get_dag("model_comparison"))
    assert online.state == "success", online.task_states
    monkeypatch.setenv("GENOPS_EVAL_MODE", "batch")

    batched = run(dagbag.get_dag("model_comparison"))

    assert batched.state == "success", batched.task_states
    assert len(jobs(wire)) == len(PROFILES), "one batch job per configuration"
    rows = wire.gcp.bigquery.rows(PROJECT, DATASET, "model_evaluations")
    by_run: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_run.setdefault(row["run_id"], {})[row["model_config"]] = row
    online_rows, batch_rows = (by_run[r.task_instances[0].run_id] for r in (online, batched))
    compared = ("model", "row_count", "summary_metrics")
    assert {c: {k: r[k] for k in compared} for c, r in batch_rows.items()} == {
        c: {k: r[k] for k in compared} for c, r in online_rows.items()
    }
    assert batched.xcom("best_configuration") == online.xcom("best_configuration")
