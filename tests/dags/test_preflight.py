"""Preflight: a DAG that spends checks its settings in its first task and fails there, naming the GENOPS_
variable and the fix, before any paid call; where credentials exist, each configured model must answer
`models.get` (the fake's catalog answers as Vertex AI does: 404 NOT_FOUND for a retired or unknown model)."""

from __future__ import annotations

import logging

import pytest

from genops.core import config
from genops.evaluation.scoring import EVALUATED_METRICS
from genops.gates.preflight import CHECKS, missing_models, setting_problems
from tests.dags.evaluation_fakes import ExperimentEvaluationService, install_experiment_evaluation
from tests.dags.fakes import FakeGCS, FakeGenAIClient, install_fake_bigquery, install_fake_gcs, install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.tuning_support import allow_reschedule_on_sqlite


def test_every_threshold_metric_is_one_the_evaluation_reports():
    assert set(config.METRIC_RANGES) == set(EVALUATED_METRICS)


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("GENOPS_EVAL_THRESHOLDS", '{"toxicity": 0.1}', "unknown metric 'toxicity'"),
        ("GENOPS_EVAL_THRESHOLDS", '{"bleu": 2}', "must be a number from 0.0 to 1.0"),
        ("GENOPS_COMPARISON_METRIC", "fluency", "is not a known metric"),
        ("GENOPS_TOKEN_BUDGET", "0", "set it to an integer >= 1"),
        ("GENOPS_EVAL_CONCURRENCY", "500", "integer from 1 to 64"),
        ("GENOPS_EXPERIMENT_NAME", "GenOps Eval", "lowercase letters, digits or hyphens"),
        ("GENOPS_EXPERIMENT_NAME", "e" * 100, "lowercase letters, digits or hyphens"),
        ("GENOPS_FLASH_MODEL", "Gemini 2.5 Flash", "is not a Gemini model id"),
    ],
)
def test_a_bad_setting_is_named_with_its_fix(monkeypatch, setting, value, says):
    monkeypatch.setenv(setting, value)
    (problem,) = setting_problems([setting], EVALUATED_METRICS)
    assert problem.setting == setting and problem.value == value and says in problem.problem
    assert str(problem).startswith(f"{setting}={value!r}: ")


def test_defaults_pass_and_every_problem_is_reported_at_once(monkeypatch):
    assert setting_problems(CHECKS, EVALUATED_METRICS) == []
    monkeypatch.setenv("GENOPS_TOKEN_BUDGET", "lots")
    monkeypatch.setenv("GENOPS_PRO_MODEL", "gemini pro")
    assert [p.setting for p in setting_problems(CHECKS, EVALUATED_METRICS)] == [
        "GENOPS_TOKEN_BUDGET",
        "GENOPS_PRO_MODEL",
    ]


def test_a_threshold_on_a_metric_the_evaluation_does_not_produce_is_a_problem():
    (problem,) = setting_problems(["GENOPS_EVAL_THRESHOLDS"], ["bleu"])
    assert "name metrics the evaluation does not report" in problem.problem


def test_models_get_404_names_the_setting_and_the_lifecycle_note():
    client = FakeGenAIClient()
    problems = missing_models(
        {"GENOPS_FLASH_MODEL": "gemini-1.0-pro", "GENOPS_PRO_MODEL": "gemini-4-argon"},
        lambda model: client.models.get(model=model),
    )
    (problem,) = problems
    assert problem.setting == "GENOPS_FLASH_MODEL" and "404 NOT_FOUND" in problem.problem
    assert "docs/models.md" in problem.problem


@pytest.fixture
def compare(dagbag, genops_env):
    def run():
        genai = install_fake_genai(genops_env)
        service = install_experiment_evaluation(genops_env, ExperimentEvaluationService())
        bigquery = install_fake_bigquery(genops_env, install_fake_gcs(genops_env, FakeGCS()))
        return run_dag(dagbag.get_dag("model_comparison")), genai.client, service, bigquery

    return run


def test_a_retired_model_fails_model_comparison_in_preflight_before_any_generation(compare, genops_env, capfd, caplog):
    caplog.set_level(logging.INFO)
    genops_env.setenv("GENOPS_FLASH_MODEL", "gemini-1.0-pro")
    result, client, service, bigquery = compare()

    assert result.task_states["preflight"] == "failed"
    assert set(result.mapped_states("evaluate")) == {"upstream_failed"}
    assert set(client.methods_called()) == {"models.get"} and service.calls == [] and bigquery.jobs == []
    output = capfd.readouterr().out + caplog.text
    assert "GENOPS_FLASH_MODEL='gemini-1.0-pro': models.get answered 404 NOT_FOUND" in output
    decision = result.xcom("preflight", key="decision")
    assert decision["gate"] == "preflight" and decision["passed"] is False


def test_without_credentials_preflight_checks_offline_and_passes(dagbag, genops_env, no_credentials):
    allow_reschedule_on_sqlite(genops_env)  # Airflow 2.11: the DAG's reschedule sensor, under dag.test()
    genai = install_fake_genai(genops_env)
    result = run_dag(dagbag.get_dag("supervised_fine_tuning"))

    assert result.task_states["preflight"] == "success"
    assert genai.client.calls == [], "no models.get without credentials"
    assert result.xcom("preflight", key="decision")["passed"] is True


LAB_DAGS_THAT_SPEND = (
    "generate_content",
    "count_tokens",
    "supervised_fine_tuning",
    "run_evaluation",
    "model_comparison",
    "genops_pipeline",
    "canary_evaluation",
)


@pytest.mark.parametrize("dag_id", LAB_DAGS_THAT_SPEND)
def test_every_lab_dag_that_spends_starts_with_preflight(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    checked = dag.get_task("preflight").get_flat_relative_ids(upstream=False)
    other_roots = {task.task_id for task in dag.roots} - {"preflight"}
    assert other_roots <= {"within_daily_budget"}, "only the daily gate (it spends nothing) may start beside it"
    assert set(dag.task_ids) - {"preflight"} - other_roots <= checked, "every other task runs after preflight"


@pytest.mark.parametrize(
    ("dag_id", "setting", "value", "says", "asked"),
    [
        ("count_tokens", "GENOPS_FLASH_MODEL", "gemini-1.0-pro", "models.get answered 404 NOT_FOUND", 1),
        ("count_tokens", "GENOPS_TOKEN_BUDGET", "0", "set it to an integer >= 1", 0),
        ("generate_content", "GENOPS_PRO_MODEL", "gemini-1.0-pro", "models.get answered 404 NOT_FOUND", 2),
        ("generate_content", "GENOPS_FLASH_MODEL", "Gemini 2.5 Flash", "is not a Gemini model id", 0),
    ],
)
def test_a_bad_setting_fails_a_lab_dag_in_preflight_before_any_gemini_call(
    dagbag, genops_env, capfd, caplog, dag_id, setting, value, says, asked
):
    """With retries on (as deployed): preflight fails once, without retry, and nothing after it runs."""
    caplog.set_level(logging.INFO)
    genai = install_fake_genai(genops_env)
    genops_env.setenv(setting, value)
    result = run_dag(dagbag.get_dag(dag_id), retries=True)

    states = result.task_states
    assert states.pop("preflight") == "failed" and result.try_numbers()["preflight"] == 1
    assert set(states.values()) == {"upstream_failed"}, "the daily gate and every Gemini call wait"
    assert genai.client.methods_called() == ["models.get"] * asked, "only preflight's free models.get"
    decision = result.xcom("preflight", key="decision")
    assert decision["gate"] == "preflight" and decision["passed"] is False
    assert decision["reason"].startswith(f"{setting}={value!r}: ") and says in decision["reason"]
    assert decision["reason"] in capfd.readouterr().out + caplog.text
