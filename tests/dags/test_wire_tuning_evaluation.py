"""supervised_fine_tuning, run_evaluation, genops_pipeline and model_comparison on the wire: google-genai and the
Vertex AI SDK (EvalTask, experiments) over HTTP to the Vertex AI stand-in, GCSHook to the Cloud Storage emulator,
the BigQuery load operator to the BigQuery stand-in."""

from __future__ import annotations

import json

import pytest

from genops.core import config
from genops.evaluation.scoring import COMPUTED_METRICS, POINTWISE_METRICS
from genops.gemini.profiles import PROFILES
from genops.gemini.prompts import SYSTEM_INSTRUCTION
from scripts.local.cloud.vertex_models import BLOCK_MARKER, expected_answer
from scripts.local.cloud.vertex_tuning import FAIL_MARKER
from tests.dags.wire import (  # noqa: F401  (wire_fixture: the `wire` fixture)
    BUCKET,
    DATASET,
    PROJECT,
    REGION,
    SAMPLE_TRAINING_DATA,
    TABLE,
    TRAINING_OBJECT,
    run,
    wire_fixture,
)

WAIT = "tuning.wait_for_tuning_job"
STORE = f"projects/{PROJECT}/locations/{REGION}/metadataStores/default"
METRICS = {f"{name}/mean" for name in (*POINTWISE_METRICS, *COMPUTED_METRICS)}
# Explicit: Airflow 3.2's dag.test() may keep an earlier test run's conf for the same DAG id in this process.
FLASH = {"model_setting": "GENOPS_FLASH_MODEL"}


def tuned_label(endpoint: str) -> str:
    return f"gemini-3.5-flash-lite-tuned-{endpoint.rsplit('/', 1)[-1]}"


# --- supervised_fine_tuning -----------------------------------------------------------------------------------


def test_tuning_reads_the_bucket_starts_one_job_and_publishes_its_endpoint(dagbag, wire):
    with wire.jobs_run_until_polled("tuningJobs"):
        result = run(dagbag.get_dag("supervised_fine_tuning"))

    assert result.state == "success", result.task_states
    (create,) = [r for r in wire.vertex.requests if r["method"] == "POST" and r["path"].endswith("/tuningJobs")]
    assert create["body"]["supervisedTuningSpec"]["trainingDatasetUri"] == f"gs://{BUCKET}/{TRAINING_OBJECT}"
    assert create["body"]["baseModel"] == config.SETTINGS["GENOPS_TUNING_SOURCE_MODEL"].default
    endpoint = result.xcom(WAIT, key="tuned_model_endpoint_name")
    assert endpoint.startswith(f"projects/{PROJECT}/locations/{REGION}/endpoints/")
    assert result.xcom(WAIT, key="tuned_model_name").startswith(f"projects/{PROJECT}/locations/{REGION}/models/")
    polls = [r for r in wire.vertex.requests if r["method"] == "GET" and "/tuningJobs/" in r["path"]]
    assert len(polls) >= 2, "the sensor must see the job running before it succeeds"


def test_a_tuning_job_that_fails_fails_the_dag_with_the_services_error(dagbag, wire, capfd, caplog):
    failing = (
        SAMPLE_TRAINING_DATA.read_bytes().rstrip(b"\n")
        + b"\n"
        + json.dumps(
            {
                "contents": [
                    {"role": "user", "parts": [{"text": f"Summarize: {FAIL_MARKER}"}]},
                    {"role": "model", "parts": [{"text": "A summary."}]},
                ]
            }
        ).encode()
    )
    wire.gcp.gcs.put(BUCKET, TRAINING_OBJECT, failing, "application/jsonl")

    result = run(dagbag.get_dag("supervised_fine_tuning"))

    assert result.state == "failed"
    assert result.task_states["tuning.validate_training_data"] == "success"  # valid data: the service fails it
    assert result.task_states[WAIT] == "failed"
    assert "JOB_STATE_FAILED" in capfd.readouterr().out + caplog.text
    assert result.xcom(WAIT, key="tuned_model_endpoint_name") is None


def test_a_lost_create_response_does_not_start_a_second_tuning_job(dagbag, wire):
    wire.vertex.add_fault(r"/tuningJobs$", method="POST", status=503, after=True, times=1)

    result = run(dagbag.get_dag("supervised_fine_tuning"), retries=1)

    jobs = wire.vertex.tuning.list(f"projects/{PROJECT}/locations/{REGION}", None, None, None)["tuningJobs"]
    assert len(jobs) == 1, "one run, one tuning job"
    assert result.state == "success", result.task_states


# --- run_evaluation ---------------------------------------------------------------------------------------------


def test_run_evaluation_scores_with_the_evaluation_service_and_logs_the_experiment_run(dagbag, wire):
    from rouge_score import rouge_scorer

    from genops.gemini.prompts import build_prompt, load_eval_dataset

    result = run(dagbag.get_dag("run_evaluation"), conf=FLASH)

    assert result.state == "success", result.task_states
    row = result.xcom("evaluate")
    summary = json.loads(row["summary_metrics"])
    assert row["model"] == "gemini-3.8-flash" and row["row_count"] == 8
    assert METRICS <= set(summary) and all(isinstance(summary[name], float) for name in METRICS)
    # ROUGE computed for real (rouge-score) on the stand-in's deterministic answers
    scorer = rouge_scorer.RougeScorer(["rougeLsum"])
    examples = load_eval_dataset()
    answers = [
        expected_answer("gemini-3.8-flash", f"{SYSTEM_INSTRUCTION}\n{build_prompt(e['instruction'], e['context'])}")
        for e in examples
    ]
    rouge = [scorer.score(e["reference"], a)["rougeLsum"].fmeasure for e, a in zip(examples, answers, strict=True)]
    assert summary["rouge_l_sum/mean"] == pytest.approx(sum(rouge) / len(rouge))
    # the experiment run, as the Vertex AI SDK logged it in the metadata store
    run_context = wire.vertex.metadata.get(f"{STORE}/contexts/{row['experiment_name']}-{row['experiment_run_name']}")
    assert run_context["metadata"]["_state"] == "COMPLETE"
    assert {name: run_context["metadata"]["_metrics"][name] for name in METRICS} == {n: summary[n] for n in METRICS}
    sent = [r["body"] for r in wire.vertex_calls(":generateContent")]
    assert len(sent) == 8 and all(body["generationConfig"]["temperature"] == 0 for body in sent)


def test_run_evaluation_survives_a_retry_after_the_experiment_run_was_created(dagbag, wire):
    wire.vertex.add_fault(r"/contexts/[^/:]+$", method="PATCH", status=503, times=1)  # after the run exists

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=FLASH)

    assert result.state == "success", result.task_states


def test_a_throttled_evaluation_request_is_retried_or_fails_the_task(dagbag, wire):
    wire.vertex.add_fault(":evaluateInstances", status=429, times=1)

    result = run(dagbag.get_dag("run_evaluation"), conf=FLASH)

    statuses = [r["status"] for r in wire.vertex_calls(":evaluateInstances")]
    retried = statuses.count(200) == len(statuses) - 1 == 8 * len(METRICS)
    assert retried or result.task_states["evaluate"] == "failed", "a metric must not quietly skip an example"


def test_a_throttled_evaluation_is_scored_whole_by_the_tasks_retry(dagbag, wire):
    """EvalTask turns the 429 into a NaN score for one example; the task retries rather than average fewer."""
    wire.vertex.add_fault(":evaluateInstances", status=429, times=1)

    result = run(dagbag.get_dag("run_evaluation"), retries=1, conf=FLASH)

    assert result.state == "success", result.task_states
    assert result.try_numbers()["evaluate"] == 2
    rows = [r for r in wire.vertex_calls(":evaluateInstances") if r["status"] == 200]
    assert len(rows) >= 8 * len(METRICS)


def test_a_nan_metric_from_the_service_fails_the_evaluation(dagbag, wire, monkeypatch):
    """A blocked answer is empty; the evaluation service cannot rate it and sends "NaN"."""
    from genops.gemini import prompts

    examples = prompts.load_eval_dataset()
    examples[0] = {**examples[0], "context": f"{BLOCK_MARKER} {examples[0]['context']}"}
    monkeypatch.setattr(prompts, "load_eval_dataset", lambda *args: examples)

    result = run(dagbag.get_dag("run_evaluation"), conf=FLASH)

    assert result.task_states["generate_responses"] == "success"
    assert result.task_states["evaluate"] == "failed"
    rated = [r for r in wire.vertex_calls(":evaluateInstances") if "pointwiseMetricInput" in r["body"]]
    assert any('"response": ""' in r["body"]["pointwiseMetricInput"]["instance"]["jsonInstance"] for r in rated)


# --- genops_pipeline --------------------------------------------------------------------------------------------


def test_pipeline_tunes_evaluates_gates_and_serves_from_the_tuned_endpoint(dagbag, wire):
    from genops_pipeline import PROMPT

    result = run(dagbag.get_dag("genops_pipeline"))

    assert result.state == "success", result.task_states
    endpoint = result.xcom(WAIT, key="tuned_model_endpoint_name")
    assert result.xcom("evaluate_tuned_model")["model"] == endpoint
    assert result.xcom("generate") == expected_answer(tuned_label(endpoint), f"{SYSTEM_INSTRUCTION}\n{PROMPT}")
    served = [r["path"] for r in wire.vertex.requests if r["path"].endswith((":countTokens", ":generateContent"))]
    assert all(f"/{endpoint}:" in path for path in served), "every Gemini call goes to the tuned endpoint"


def test_pipeline_metric_gate_stops_serving_when_the_tuned_model_scores_low(dagbag, wire, monkeypatch):
    monkeypatch.setenv("GENOPS_EVAL_THRESHOLDS", json.dumps({"rouge_l_sum": 0.99}))

    result = run(dagbag.get_dag("genops_pipeline"))

    assert result.task_states["evaluate_tuned_model"] == "success"
    assert result.task_states["generate"] in {"skipped", "upstream_failed"}
    assert not wire.vertex_calls(":countTokens"), "a closed gate must stop the paid calls after it"


# --- model_comparison -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_model_comparison_writes_the_report_and_loads_one_row_per_configuration(dagbag, wire):
    result = run(dagbag.get_dag("model_comparison"))

    assert result.state == "success", result.task_states
    report = result.xcom("write_report")
    lines = wire.bucket_objects()[report].decode().splitlines()
    assert sorted(json.loads(line)["model_config"] for line in lines) == sorted(p.name for p in PROFILES)
    rows = wire.gcp.bigquery.rows(PROJECT, DATASET, TABLE)
    assert sorted(row["model_config"] for row in rows) == sorted(p.name for p in PROFILES)
    assert result.xcom("best_configuration")["model_config"] in {p.name for p in PROFILES}


def test_run_evaluation_of_the_pro_model_sends_only_what_the_pro_model_accepts(dagbag, wire):
    """The pro model thinks at its default level (the current models cannot turn thinking off; Gemini 4 refuses a
    thinking budget with a 400 on the wire) and gets no sampling field its family advises against."""
    from genops.models.table import table

    result = run(dagbag.get_dag("run_evaluation"), conf={"model_setting": "GENOPS_PRO_MODEL"})

    assert result.state == "success", result.task_states
    sent = [r["body"]["generationConfig"] for r in wire.vertex_calls(":generateContent")]
    advised_against = table().facts(config.SETTINGS["GENOPS_PRO_MODEL"].default).sampling["advised_against"]
    camel = {"temperature": "temperature", "top_p": "topP", "top_k": "topK"}
    assert sent and all("thinkingConfig" not in body for body in sent)
    assert all(camel[field] not in body for body in sent for field in advised_against)
