"""genops_pipeline: tune -> evaluate -> metric gate -> budget gate -> generate, run for real with dag.test().

Fakes sit at the network edge only: the google-genai client (tuning, generation, token count), GCSHook and
the evaluation service call.
"""

from __future__ import annotations

import logging

import pytest

from genops.core import config
from genops.gemini.prompts import load_eval_dataset
from tests.dags.fakes import REALISTIC_SUMMARY, TUNED_ENDPOINT
from tests.dags.runner import run_dag
from tests.dags.tuning_support import allow_reschedule_on_sqlite, install_pipeline_fakes, without_poke_waits

SERVING = ["count_tokens", "within_budget", "generate"]


@pytest.fixture
def run_pipeline(dagbag, genops_env):
    """Run the pipeline with a tuning job that succeeds and an evaluation returning `summary`."""
    allow_reschedule_on_sqlite(genops_env)

    def run(summary: dict = REALISTIC_SUMMARY, total_tokens: int = 42):
        genai, evaluation = install_pipeline_fakes(genops_env, [summary], total_tokens)
        return run_dag(without_poke_waits(dagbag.get_dag("genops_pipeline"))), genai.client, evaluation

    return run


def _generate_calls(client) -> list[dict]:
    return [call.kwargs for call in client.calls if call.method == "generate_content"]


def test_a_tuned_model_that_meets_every_threshold_is_promoted_and_serves(run_pipeline):
    result, client, evaluation = run_pipeline()

    assert result.state == "success"
    assert {task: result.task_states[task] for task in ["meets_thresholds", *SERVING]} == dict.fromkeys(
        ["meets_thresholds", *SERVING], "success"
    )
    examples = len(load_eval_dataset())
    generated = _generate_calls(client)
    assert len(generated) == examples + 1, "every evaluation example, then one served answer"
    assert {call["model"] for call in generated} == {TUNED_ENDPOINT}, "evaluated and served model is the tuned one"
    assert client.methods_called()[-2:] == ["count_tokens", "generate_content"]
    row = result.xcom("evaluate_tuned_model")
    assert row["model_config"] == "tuned" and row["model"] == TUNED_ENDPOINT
    assert evaluation.calls[0]["experiment_run_name"].endswith("-tuned")
    decision = result.xcom("meets_thresholds", key="decision")
    assert decision["passed"] is True and decision["misses"] == []


def test_the_calls_on_the_tuned_endpoint_record_its_base_model_in_the_ledger(run_pipeline, bigquery_standin):
    result, _, _ = run_pipeline()

    base = result.xcom("tuning.wait_for_tuning_job", key="tuned_model_base_model")
    assert base == config.get("GENOPS_TUNING_SOURCE_MODEL")
    served = {r["task_id"]: r for r in bigquery_standin.rows.values() if r["task_id"] in ("count_tokens", "generate")}
    assert [(served[t]["call_kind"], served[t]["model"], served[t]["base_model"]) for t in sorted(served)] == [
        ("count_tokens", TUNED_ENDPOINT, base),
        ("generate_content", TUNED_ENDPOINT, base),
    ]
    answered = [r for r in bigquery_standin.rows.values() if r["task_id"] == "evaluate_tuned_model"]
    assert len(answered) == len(load_eval_dataset()), "one ledger row per evaluation answer"
    assert {(r["model"], r["base_model"]) for r in answered} == {(TUNED_ENDPOINT, base)}
    assert result.xcom("evaluate_tuned_model")["base_model"] == base, "the evaluation row records the same base"


def test_one_metric_below_its_threshold_declines_and_records_by_how_much(run_pipeline, genops_env, capfd, caplog):
    caplog.set_level(logging.INFO, logger="genops")  # Airflow 2's unit-test config leaves the root at WARNING
    genops_env.setenv("GENOPS_EVAL_THRESHOLDS", '{"groundedness": 0.9, "summarization_quality": 3.0}')
    result, client, _ = run_pipeline({**REALISTIC_SUMMARY, "groundedness/mean": 0.75})

    assert result.task_states["meets_thresholds"] == "success"
    assert [result.task_states[task] for task in SERVING] == ["skipped"] * 3
    assert "count_tokens" not in client.methods_called()
    assert len(_generate_calls(client)) == len(load_eval_dataset()), "no generation after the declined gate"
    decision = result.xcom("meets_thresholds", key="decision")
    assert decision["passed"] is False
    assert decision["misses"] == [{"metric": "groundedness", "value": 0.75, "threshold": 0.9, "shortfall": 0.15}]
    output = capfd.readouterr().out + caplog.text
    assert "metric_thresholds gate STOPPED the run: groundedness=0.75 is 0.15 below 0.9" in output


def test_an_unreported_thresholded_metric_fails_instead_of_declining(run_pipeline, genops_env, capfd, caplog):
    """Finding 5: a run whose thresholded metric was not reported must not end green as "declined"."""
    genops_env.setenv("GENOPS_EVAL_THRESHOLDS", '{"bleu": 0.1}')
    summary = {key: value for key, value in REALISTIC_SUMMARY.items() if not key.startswith("bleu/")}
    result, client, _ = run_pipeline(summary)

    assert result.state == "failed"
    assert result.task_states["evaluate_tuned_model"] == "failed"
    assert [result.task_states[task] for task in ["meets_thresholds", *SERVING]] == ["upstream_failed"] * 4
    assert "Configuration 'tuned'" in capfd.readouterr().out + caplog.text


def test_a_threshold_on_a_metric_the_evaluation_cannot_produce_fails_before_anything_is_spent(
    run_pipeline, genops_env, capfd, caplog
):
    genops_env.setenv("GENOPS_EVAL_THRESHOLDS", '{"toxicity": 0.1}')
    result, client, evaluation = run_pipeline()

    assert result.task_states["preflight"] == "failed"
    assert result.task_states["tuning.start_tuning_job"] == "upstream_failed"
    assert [c for c in client.methods_called() if c != "models.get"] == [] and evaluation.calls == []
    assert "GENOPS_EVAL_THRESHOLDS names unknown metric 'toxicity'" in capfd.readouterr().out + caplog.text


def test_over_budget_the_promoted_model_is_not_called(run_pipeline, genops_env):
    genops_env.setenv("GENOPS_TOKEN_BUDGET", "41")
    result, client, _ = run_pipeline(total_tokens=42)

    assert result.task_states["meets_thresholds"] == "success"
    assert result.task_states["count_tokens"] == "success"
    assert result.task_states["generate"] == "skipped"
    assert len(_generate_calls(client)) == len(load_eval_dataset()), "no generation over budget"
    assert "42 tokens, over the budget of 41" in result.xcom("within_budget", key="decision")["reason"]
