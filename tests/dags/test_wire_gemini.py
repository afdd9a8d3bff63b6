"""generate_content and count_tokens on the wire: the provider's GenAI operators -> google-genai -> HTTP -> the
Vertex AI stand-in, which parses every request with the real API's schema."""

from __future__ import annotations

import pytest

from genops.core.config import SETTINGS
from genops.gemini.profiles import PROFILES
from genops.gemini.prompts import SAMPLE_PROMPT, SYSTEM_INSTRUCTION
from scripts.local.cloud.vertex_models import count_tokens, expected_answer
from tests.conftest import DAGS_FOLDER
from tests.dags.wire import (  # noqa: F401  (the `wire` fixture)
    DATASET,
    PROJECT,
    REGION,
    USAGE_TABLE,
    run,
    try_numbers,
    wire_fixture,
)

MODELS = {setting: SETTINGS[setting].default for setting in ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL")}


def model_path(model: str) -> str:
    return f"/v1beta1/projects/{PROJECT}/locations/{REGION}/publishers/google/models/{model}:generateContent"


def test_generate_content_sends_each_profile_and_collects_the_answers(dagbag, wire):
    result = run(dagbag.get_dag("generate_content"))

    assert result.state == "success", result.task_states
    answers = result.xcom("collect_responses")
    prompt = f"{SYSTEM_INSTRUCTION}\n{SAMPLE_PROMPT}"
    assert answers == {p.name: expected_answer(MODELS[p.model_setting], prompt) for p in PROFILES}
    calls = wire.vertex_calls(":generateContent")
    assert sorted(c["path"] for c in calls) == sorted(model_path(MODELS[p.model_setting]) for p in PROFILES)
    grounded = [c["body"] for c in calls if "tools" in c["body"]]
    assert [list(tool) for body in grounded for tool in body["tools"]] == [["googleSearch"]]
    ledger = wire.gcp.bigquery.rows(PROJECT, DATASET, USAGE_TABLE)
    assert sorted(r["profile"] for r in ledger) == sorted(p.name for p in PROFILES), "one ledger row per call"
    assert {r["dag_id"] for r in ledger} == {"generate_content"} and all(r["total_tokens"] > 0 for r in ledger)


def test_a_misspelt_config_value_fails_the_task_through_the_stand_ins_400(dagbag, wire, monkeypatch):
    """google-genai lets an unknown enum value through (with a warning); the API refuses it, the old fake did not."""
    from airflow.models.dagbag import DagBag

    from genops.gemini import profiles

    misspelt = [{**profiles.SAFETY_SETTINGS[0], "category": "HARM_CATEGORY_HATE_SPECH"}, *profiles.SAFETY_SETTINGS[1:]]
    monkeypatch.setattr(profiles, "SAFETY_SETTINGS", misspelt)
    dag = DagBag(dag_folder=str(DAGS_FOLDER / "count_tokens.py"), include_examples=False).get_dag("count_tokens")

    result = run(dag)

    assert result.state == "failed"
    assert result.task_states["count_tokens"] == "success"  # countTokens sends no generation config
    assert result.task_states["generate"] == "failed"
    (call,) = wire.vertex_calls(":generateContent")
    assert call["status"] == 400 and call["body"]["safetySettings"][0]["category"] == "HARM_CATEGORY_HATE_SPECH"


def test_count_tokens_gates_generation_on_the_counted_tokens(dagbag, wire, monkeypatch):
    result = run(dagbag.get_dag("count_tokens"))

    assert result.state == "success", result.task_states
    # the count covers what generation sends: the system instruction as well as the prompt
    assert result.xcom("count_tokens") == count_tokens(f"{SYSTEM_INSTRUCTION}\n{SAMPLE_PROMPT}")
    assert [c["status"] for c in wire.vertex_calls(":countTokens")] == [200]
    assert result.xcom("generate") == expected_answer("gemini-3.8-flash", f"{SYSTEM_INSTRUCTION}\n{SAMPLE_PROMPT}")

    wire.vertex.reset_requests()
    monkeypatch.setenv("GENOPS_TOKEN_BUDGET", str(count_tokens(SAMPLE_PROMPT) - 1))
    over = run(dagbag.get_dag("count_tokens"))
    assert over.task_states["generate"] in {"skipped", "upstream_failed"}
    assert wire.vertex_calls(":generateContent") == [], "over budget: nothing may be generated"


def test_a_429_is_retried_by_airflow_and_the_task_succeeds(dagbag, wire):
    wire.vertex.add_fault(":countTokens", status=429, times=1)

    result = run(dagbag.get_dag("count_tokens"), retries=1)

    assert result.state == "success", result.task_states
    assert [c["status"] for c in wire.vertex_calls(":countTokens")] == [429, 200]
    assert try_numbers(result, "count_tokens") == 2


@pytest.mark.parametrize("status", [429, 503])
def test_without_retries_a_throttled_call_fails_the_task(dagbag, wire, status):
    wire.vertex.add_fault(":generateContent", status=status)

    result = run(dagbag.get_dag("count_tokens"))

    assert result.task_states["generate"] == "failed"
    assert {c["status"] for c in wire.vertex_calls(":generateContent")} == {status}


@pytest.mark.parametrize(
    ("dag_id", "setting"), [("count_tokens", "GENOPS_FLASH_MODEL"), ("generate_content", "GENOPS_PRO_MODEL")]
)
def test_a_model_vertex_ai_does_not_serve_fails_preflight_before_any_gemini_call(
    dagbag, wire, monkeypatch, dag_id, setting
):
    monkeypatch.setenv(setting, "gemini-2.5-flsh")

    result = run(dagbag.get_dag(dag_id), retries=1)

    assert result.task_states["preflight"] == "failed" and try_numbers(result, "preflight") == 1
    assert "404 NOT_FOUND" in result.xcom("preflight", key="decision")["reason"]
    assert [c["status"] for c in wire.vertex_calls("/publishers/google/models/gemini-2.5-flsh")] == [404]
    assert wire.vertex_calls(":countTokens") == wire.vertex_calls(":generateContent") == []
