"""canary_evaluation, run for real with dag.test() and retries on: it evaluates the served model, stores one
`canary` row per run in model_evaluations (the local BigQuery stand-in) and compares it with the served baseline.

Fakes sit at the network edge only: the google-genai client and the evaluation service call.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from genops.evaluation.results import metrics_row
from genops.gates.regression import LOG_MARKER
from tests.dags.fakes import (
    REALISTIC_SUMMARY,
    TUNED_ENDPOINT,
    FakeEvaluationService,
    install_fake_evaluation,
    install_fake_genai,
)
from tests.dags.retrying import try_number
from tests.dags.runner import run_dag
from tests.dags.tuning_fakes import TuningGenAIClient

BASELINE_QUALITY = REALISTIC_SUMMARY["summarization_quality/mean"]  # 3.875 on a 1-5 scale
TUNED_BASE_MODEL = "gemini-3.5-flash-lite"  # what the approved TUNED_ENDPOINT was tuned from


def evaluation_rows(bigquery_standin) -> list[dict]:
    t = bigquery_standin.table
    return bigquery_standin.standin.rows(t.project, t.dataset, "model_evaluations")


@pytest.fixture
def approved(bigquery_standin):
    """An earlier genops_pipeline run approved TUNED_ENDPOINT: its `served` row holds the baseline."""
    row = metrics_row(
        REALISTIC_SUMMARY,
        model_config="served",
        model=TUNED_ENDPOINT,
        dag_id="genops_pipeline",
        run_id="manual__approved",
        evaluated_at=datetime(2026, 12, 1, tzinfo=UTC),
        experiment_name="genops-eval",
        experiment_run_name="genops-pipeline-approved-t1-tuned",
        base_model=TUNED_BASE_MODEL,
    )
    t = bigquery_standin.table
    assert (
        bigquery_standin.standin.insert_all(t.project, t.dataset, "model_evaluations", [(row["evaluation_id"], row)])
        == []
    )
    return row


@pytest.fixture
def run_canary(dagbag, genops_env):
    def run(summary: dict):
        genai = install_fake_genai(genops_env, TuningGenAIClient(total_tokens=42))
        install_fake_evaluation(genops_env, FakeEvaluationService(summaries=[summary] * 3))
        return run_dag(dagbag.get_dag("canary_evaluation"), retries=True), genai.client

    return run


def test_a_drop_beyond_the_tolerance_records_the_regression_and_logs_the_marker(
    run_canary, approved, genops_env, bigquery_standin, capfd
):
    genops_env.setenv("GENOPS_REGRESSION_TOLERANCE", "0.05")  # 0.2 points of summarization_quality's 1-5
    result, client = run_canary({**REALISTIC_SUMMARY, "summarization_quality/mean": 3.375})  # 0.5 lower

    assert result.state == "success"
    generated = {c.kwargs["model"] for c in client.calls if c.method == "generate_content"}
    assert generated == {TUNED_ENDPOINT}, "the canary evaluates the approved, served model"
    decision = result.xcom("compare_with_baseline", key="decision")
    assert decision["passed"] is False
    (drop,) = decision["regressions"]
    assert drop == {
        "metric": "summarization_quality",
        "baseline": BASELINE_QUALITY,
        "value": 3.375,
        "drop": 0.5,
        "drop_fraction": 0.125,
        "tolerance": 0.05,
    }
    markers = [line for line in capfd.readouterr().out.splitlines() if line.startswith(LOG_MARKER + " ")]
    assert len(markers) == 1
    assert json.loads(markers[0].removeprefix(LOG_MARKER + " "))["metric"] == "summarization_quality"
    canary = [row for row in evaluation_rows(bigquery_standin) if row["model_config"] == "canary"]
    assert [(row["model"], row["base_model"], row["summarization_quality"]) for row in canary] == [
        (TUNED_ENDPOINT, TUNED_BASE_MODEL, 3.375)
    ]
    answered = [r for r in bigquery_standin.rows.values() if r["task_id"] == "evaluate_served_model"]
    assert answered and {(r["model"], r["base_model"]) for r in answered} == {(TUNED_ENDPOINT, TUNED_BASE_MODEL)}


def test_within_the_tolerance_nothing_is_flagged(run_canary, approved, bigquery_standin, capfd):
    result, _ = run_canary({**REALISTIC_SUMMARY, "summarization_quality/mean": BASELINE_QUALITY - 0.1})

    decision = result.xcom("compare_with_baseline", key="decision")
    assert decision["passed"] is True and decision["regressions"] == []
    assert "summarization_quality" in decision["compared"]
    assert LOG_MARKER not in capfd.readouterr().out


def test_a_retry_after_the_row_was_written_stores_one_row(run_canary, approved, bigquery_standin):
    # The canary row is stored, but the answer is lost: the task fails after its write and is retried.
    bigquery_standin.standin.add_fault(
        r"/tables/model_evaluations/insertAll$", status=503, times=1, after=True, method="POST"
    )

    result, _ = run_canary(REALISTIC_SUMMARY)

    assert result.state == "success"
    assert try_number(result, "store_canary_row") == 2
    assert try_number(result, "evaluate_served_model") == 1, "the retry does not evaluate (spend) again"
    canary = [row for row in evaluation_rows(bigquery_standin) if row["model_config"] == "canary"]
    assert len(canary) == 1
    assert canary[0]["evaluation_id"].startswith("canary_evaluation/")
    writes = [path for path, _ in bigquery_standin.requests if path.endswith("/tables/model_evaluations/insertAll")]
    assert len(writes) == 1, (
        "the retry found the row and wrote nothing (BigQuery's insertId de-duplication is best-effort)"
    )


def test_before_any_approval_the_configured_model_is_compared_with_the_configured_baseline(
    run_canary, genops_env, bigquery_standin
):
    from genops.core.config import SETTINGS

    genops_env.setenv("GENOPS_CANARY_BASELINE", json.dumps({"rouge_l_sum": 0.9}))
    result, client = run_canary(REALISTIC_SUMMARY)

    flash = SETTINGS["GENOPS_FLASH_MODEL"].default
    assert {c.kwargs["model"] for c in client.calls if c.method == "generate_content"} == {flash}
    answered = [r for r in bigquery_standin.rows.values() if r["task_id"] == "evaluate_served_model"]
    assert answered and {(r["model"], r["base_model"]) for r in answered} == {(flash, None)}, "no tuned base"
    decision = result.xcom("compare_with_baseline", key="decision")
    assert decision["passed"] is False and [d["metric"] for d in decision["regressions"]] == ["rouge_l_sum"]
