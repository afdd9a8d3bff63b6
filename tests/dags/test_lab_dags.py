"""Behaviour of the first three lab DAGs, run with dag.test(); only the google-genai client is fake."""

from __future__ import annotations

import logging

import pytest

from genops.gemini.profiles import PROFILES
from tests.dags.fakes import FakeGenAIClient, install_fake_genai, server_error
from tests.dags.runner import run_dag


@pytest.fixture
def genai(genops_env):
    return install_fake_genai(genops_env)


def test_generate_content_calls_every_profile_with_its_model_and_config(dagbag, genops_env):
    client = FakeGenAIClient()
    client.available_models.add("gemini-test-pro")
    genai = install_fake_genai(genops_env, client)
    genops_env.setenv("GENOPS_PRO_MODEL", "gemini-test-pro")
    result = run_dag(dagbag.get_dag("generate_content"))

    assert result.state == "success"
    checked = [c.kwargs["model"] for c in genai.client.calls[:2] if c.method == "models.get"]
    assert checked == ["gemini-3.8-flash", "gemini-test-pro"], "preflight asks for each configured model first"
    calls = [c.kwargs for c in genai.client.calls if c.method == "generate_content"]
    assert len(calls) == len(PROFILES) == 6
    assert sorted(c["model"] for c in calls).count("gemini-test-pro") == 1
    assert {(project, region) for project, region in genai.targets} == {("genops-test-project", "us-central1")}
    grounded = [c for c in calls if c["config"].get("tools")]
    assert [c["config"]["tools"] for c in grounded] == [[{"google_search": {}}]]
    assert all(c["config"]["system_instruction"] and c["config"]["safety_settings"] for c in calls)
    collected = result.xcom("collect_responses")
    assert set(collected) == {p.name for p in PROFILES}
    assert collected["pro"].endswith("[gemini-test-pro]")


def test_budget_gate_lets_generation_run_under_budget(dagbag, genops_env):
    genai = install_fake_genai(genops_env, FakeGenAIClient(total_tokens=100))
    genops_env.setenv("GENOPS_TOKEN_BUDGET", "100")
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states == {
        "preflight": "success",
        "within_daily_budget": "success",
        "count_tokens": "success",
        "within_budget": "success",
        "generate": "success",
    }
    assert genai.client.methods_called() == ["models.get", "count_tokens", "generate_content"]
    assert result.xcom("within_budget", key="decision")["passed"] is True


def test_budget_gate_stops_generation_over_budget(dagbag, genops_env):
    genai = install_fake_genai(genops_env, FakeGenAIClient(total_tokens=101))
    genops_env.setenv("GENOPS_TOKEN_BUDGET", "100")
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states["generate"] == "skipped"
    assert genai.client.methods_called() == ["models.get", "count_tokens"], "generation must not be called over budget"
    decision = result.xcom("within_budget", key="decision")
    assert decision["passed"] is False and "101 tokens, over the budget of 100" in decision["reason"]


def test_missing_required_setting_fails_the_first_task_naming_the_variable(dagbag, genai, genops_env, capfd, caplog):
    genops_env.delenv("GENOPS_PROJECT_ID")
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states["preflight"] == "failed"  # its models.get needs the project
    assert result.task_states["count_tokens"] == result.task_states["generate"] == "upstream_failed"
    assert genai.client.calls == []
    output = capfd.readouterr().out + caplog.text
    assert "GENOPS_PROJECT_ID is not set" in output


def test_a_transient_gemini_error_is_retried_by_the_tasks_own_retries(dagbag, genops_env, caplog):
    """With retries on (as deployed): a 503 on the first try of `generate` is retried, and each try is recorded."""
    client = FakeGenAIClient(failures=[server_error(503)])
    genai = install_fake_genai(genops_env, client)
    dag = dagbag.get_dag("count_tokens")
    assert dag.get_task("generate").retries == 2
    with caplog.at_level(logging.INFO, logger="genops.gemini.usage"):
        result = run_dag(dag, retries=True)

    assert result.task_states == {
        "preflight": "success",
        "within_daily_budget": "success",
        "count_tokens": "success",
        "within_budget": "success",
        "generate": "success",
    }
    assert result.try_numbers()["generate"] == 2
    assert genai.client.methods_called() == ["models.get", "count_tokens", "generate_content", "generate_content"]
    assert result.xcom("generate").endswith("[gemini-3.8-flash]")
    usage = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Gemini usage: generate_content")]
    assert len(usage) == 1 and "/generate[-1] try 2:" in usage[0], "the answered try is recorded, as that try"


def test_without_retries_the_same_error_fails_the_task(dagbag, genops_env):
    genai = install_fake_genai(genops_env, FakeGenAIClient(failures=[server_error(503)]))
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states["generate"] == "failed"
    assert genai.client.methods_called() == ["models.get", "count_tokens", "generate_content"]
