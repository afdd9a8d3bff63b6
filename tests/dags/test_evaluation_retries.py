"""Evaluation with Airflow's retries on: a try that fails after its experiment run was created is retried
into a new run and produces the row; a result that is not whole (a metric "NaN" or missing) fails the
configuration's task at once, naming configuration, metric and value, before anything is written or loaded.

The evaluation service keeps its experiment runs (tests.dags.evaluation_fakes), so reusing a run name fails
exactly as the Vertex AI SDK does ("Experiment Run with name ... already exists.").
"""

from __future__ import annotations

import logging

import pytest

from genops.gemini.profiles import PROFILES
from tests.dags.evaluation_fakes import ExperimentEvaluationService, install_experiment_evaluation
from tests.dags.fakes import REALISTIC_SUMMARY, FakeGCS, install_fake_bigquery, install_fake_gcs, install_fake_genai
from tests.dags.retrying import try_number
from tests.dags.runner import run_dag

CONFIGS = [profile.name for profile in PROFILES]


@pytest.fixture
def compare(dagbag, genops_env):
    def run(service: ExperimentEvaluationService):
        install_fake_genai(genops_env)
        install_experiment_evaluation(genops_env, service)
        gcs = install_fake_gcs(genops_env, FakeGCS())
        bigquery = install_fake_bigquery(genops_env, gcs)
        return run_dag(dagbag.get_dag("model_comparison"), retries=True), gcs, bigquery

    return run


def _by_config(**overrides) -> dict[str, dict]:
    return {name: {**REALISTIC_SUMMARY, **overrides.get(name, {})} for name in CONFIGS}


def test_a_retry_after_the_experiment_run_was_created_logs_to_a_new_run_and_produces_the_row(compare):
    service = ExperimentEvaluationService(by_config=_by_config(), fail_after_create={"balanced": 1})
    result, _, bigquery = compare(service)

    assert result.state == "success"
    balanced = CONFIGS.index("balanced")
    assert try_number(result, "evaluate", balanced) == 2
    assert len(service.runs) == len(CONFIGS) + 1 == len(set(service.runs)), "the retry used a new run"
    rows = {row["model_config"]: row for row in bigquery.loaded_rows}
    assert sorted(rows) == sorted(CONFIGS) and len(bigquery.loaded_rows) == len(CONFIGS)
    assert rows["balanced"]["experiment_run_name"].endswith("-t2-balanced")
    assert f"genops-eval-{rows['balanced']['experiment_run_name']}" in service.runs


def test_a_nan_or_missing_metric_fails_its_configuration_at_once_and_nothing_is_written(compare, capfd, caplog):
    caplog.set_level(logging.INFO)
    summaries = _by_config(random={"bleu/mean": float("nan")})
    del summaries["flash"]["groundedness/mean"]
    result, gcs, bigquery = compare(ExperimentEvaluationService(by_config=summaries))

    states = dict(zip(CONFIGS, result.mapped_states("evaluate"), strict=True))
    assert states == {**dict.fromkeys(CONFIGS, "success"), "random": "failed", "flash": "failed"}
    for config in ("random", "flash"):
        assert try_number(result, "evaluate", CONFIGS.index(config)) == 1, f"{config}: not retried"
    assert [result.task_states[t] for t in ("write_report", "load_to_bigquery", "best_configuration")] == [
        "upstream_failed"
    ] * 3
    assert "upload" not in gcs.methods_called() and bigquery.jobs == []
    output = capfd.readouterr().out + caplog.text
    assert "Configuration 'random' (gemini-3.8-flash)" in output and "bleu/mean='NaN' is not a finite number" in output
    assert "Configuration 'flash' (gemini-3.8-flash)" in output and "groundedness is missing" in output


def test_run_evaluation_retries_into_a_new_experiment_run(dagbag, genops_env):
    install_fake_genai(genops_env)
    service = install_experiment_evaluation(genops_env, ExperimentEvaluationService(fail_after_create={"": 1}))
    result = run_dag(dagbag.get_dag("run_evaluation"), retries=True, conf={"model_setting": "GENOPS_FLASH_MODEL"})

    assert result.state == "success"
    assert try_number(result, "evaluate") == 2
    assert len(service.runs) == 2 == len(set(service.runs))
    assert result.xcom("evaluate")["experiment_run_name"].endswith("-t2-flash")
