"""run_evaluation: real tasks, fake google-genai client and fake evaluation API call."""

from __future__ import annotations

import json

import pytest

from genops.evaluation.results import validate_row
from genops.gemini.prompts import load_eval_dataset
from tests.dags.fakes import REALISTIC_SUMMARY, install_fake_evaluation, install_fake_genai
from tests.dags.runner import run_dag


@pytest.fixture
def services(genops_env):
    return install_fake_genai(genops_env), install_fake_evaluation(genops_env)


def test_evaluation_turns_the_sdk_result_into_a_model_evaluations_row(dagbag, services, genops_env):
    genai, evaluation = services
    genops_env.setenv("GENOPS_EXPERIMENT_NAME", "lab-experiment")
    result = run_dag(dagbag.get_dag("run_evaluation"))

    assert result.state == "success"
    examples = load_eval_dataset()
    assert genai.client.methods_called() == ["models.get"] * 2 + ["generate_content"] * len(examples)
    (call,) = evaluation.calls
    assert call["experiment"] == "lab-experiment"
    assert call["experiment_run_name"].startswith("run-evaluation-manual-")
    assert [r["reference"] for r in call["dataset"]] == [e["reference"] for e in examples]
    assert all(r["response"].endswith("[gemini-3.8-flash]") for r in call["dataset"])
    assert set(call["metrics"]) >= {
        "summarization_quality",
        "groundedness",
        "verbosity",
        "instruction_following",
        "exact_match",
        "bleu",
        "rouge_1",
        "rouge_2",
        "rouge_l_sum",
    }

    row = result.xcom("evaluate")
    assert validate_row(row) == row
    assert row["model_config"] == "flash" and row["model"] == "gemini-3.8-flash"
    assert row["row_count"] == 8 and row["summarization_quality"] == 3.875 and row["rouge_l_sum"] == 0.433
    assert row["experiment_run_name"] == call["experiment_run_name"]
    assert json.loads(row["summary_metrics"])["bleu/std"] == REALISTIC_SUMMARY["bleu/std"]


def test_evaluation_of_the_pro_model_is_chosen_by_param(dagbag, services):
    genai, _ = services
    result = run_dag(dagbag.get_dag("run_evaluation"), conf={"model_setting": "GENOPS_PRO_MODEL"})

    assert result.xcom("evaluate")["model_config"] == "pro"
    assert {c.kwargs["model"] for c in genai.client.calls if c.method == "generate_content"} == {"gemini-4-argon"}


def test_malformed_evaluation_result_fails_instead_of_producing_a_row(dagbag, genops_env):
    from tests.dags.fakes import FakeEvaluationService

    install_fake_genai(genops_env)
    install_fake_evaluation(genops_env, FakeEvaluationService(summaries=[{"row_count": 8, "bleu/mean": 7.5}]))
    result = run_dag(dagbag.get_dag("run_evaluation"))

    assert result.task_states["evaluate"] == "failed"
    assert result.xcom("evaluate") is None
