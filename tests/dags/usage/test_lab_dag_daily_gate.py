"""The lab DAGs' daily spend gate, run for real: over today's budget nothing is called, under it generation runs."""

from __future__ import annotations

import pytest

from tests.dags.fakes import FakeGenAIClient, install_fake_genai
from tests.dags.runner import run_dag


def test_over_the_daily_budget_count_tokens_calls_nothing(dagbag, genops_env, bigquery_standin, spent_today):
    genai = install_fake_genai(genops_env, FakeGenAIClient(total_tokens=10))
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", "5000")
    spent_today(5000)
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states == {
        "preflight": "success",
        "within_daily_budget": "success",
        "count_tokens": "skipped",
        "within_budget": "skipped",
        "generate": "skipped",
    }
    assert genai.client.methods_called() == ["models.get"], "no paid Gemini call once the day's budget is used up"
    decision = result.xcom("within_daily_budget", key="decision")
    assert decision["passed"] is False and "5000 tokens, the daily budget of 5000 is used up" in decision["reason"]


def test_under_the_daily_budget_generation_runs(dagbag, genops_env, bigquery_standin, spent_today):
    genai = install_fake_genai(genops_env, FakeGenAIClient(total_tokens=10))
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", "5000")
    spent_today(4999)
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states["generate"] == "success"
    assert genai.client.methods_called() == ["models.get", "count_tokens", "generate_content"]
    assert "4999 of 5000 tokens spent today" in result.xcom("within_daily_budget", key="decision")["reason"]


@pytest.mark.parametrize(
    "dag_id", ["generate_content", "count_tokens", "genops_pipeline", "run_evaluation", "model_comparison"]
)
def test_every_lab_dag_that_calls_gemini_starts_its_spend_behind_the_daily_gate(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    gate = dag.get_task("within_daily_budget")
    spending = {
        "generate_content": "generate_",
        "count_tokens": "count_tokens",
        # the evaluations' submit tasks: a batch job is paid from its creation; online answers come after them
        "genops_pipeline": "submit_evaluation",
        "run_evaluation": "submit",
        "model_comparison": "submit",
    }[dag_id]
    first_spenders = [t for t in dag.tasks if t.task_id.startswith(spending)]
    assert first_spenders and all(gate.task_id in t.upstream_task_ids for t in first_spenders)
    answering = {"genops_pipeline": "evaluate_tuned_model", "run_evaluation": "generate_responses"}
    answering["model_comparison"] = "evaluate"
    for task_id in [answering[dag_id]] if dag_id in answering else []:
        assert gate.task_id in {t.task_id for t in dag.get_task(task_id).get_flat_relatives(upstream=True)}
