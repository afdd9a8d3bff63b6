"""Optional features are configuration: unset, the branch is skipped with a log line; set, it runs."""

from __future__ import annotations

import json

import pytest

from genops.samples import grounding, insights
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples import answers
from tests.dags.samples.fakes import ScriptedGenAIClient, install_fake_sample_bigquery, install_fake_sample_gcs

SOURCE = "bigquery-public-data.austin_bikeshare.bikeshare_trips"
TRIPS = [
    {"subscriber_type": "Local365", "bike_type": "electric", "duration_minutes": 12, "start_station_name": "Zilker"},
    {"subscriber_type": "Walk Up", "bike_type": "classic", "duration_minutes": None, "start_station_name": "Capitol"},
]
DATA_STORE = "projects/genops-test-project/locations/global/collections/default_collection/dataStores/handbook"


@pytest.fixture
def services(genops_env):
    gcs = install_fake_sample_gcs(genops_env)
    bigquery = install_fake_sample_bigquery(genops_env, gcs)
    bigquery.tables[SOURCE] = TRIPS
    return gcs, bigquery


def test_data_insights_without_a_source_table_skips_with_a_clear_log_line(dagbag, services, genops_env, capfd):
    gcs, bigquery = services
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("data_insights"))

    assert result.state == "success"
    assert result.task_states["source_configured"] == "success"
    assert {state for task_id, state in result.task_states.items() if task_id != "source_configured"} == {"skipped"}
    assert client.calls == [] and bigquery.reads == [] and gcs.uploads() == []
    assert "GENOPS_INSIGHTS_SOURCE_TABLE is not set: skipping the data_insights analysis" in capfd.readouterr().out


def test_data_insights_asks_four_questions_about_the_sample_and_writes_the_checked_report(dagbag, services, genops_env):
    gcs, bigquery = services
    genops_env.setenv("GENOPS_INSIGHTS_SOURCE_TABLE", SOURCE)
    client = install_fake_genai(genops_env, ScriptedGenAIClient(replies={"Data sample": answers.text(answers.INSIGHT)}))
    result = run_dag(dagbag.get_dag("data_insights"))

    assert result.state == "success", result.task_states
    assert result.task_states["within_daily_budget"] == "success"
    assert bigquery.reads == [{"table": SOURCE, "max_results": insights.SAMPLE_ROWS}]
    assert bigquery.jobs == [], "reading a sample runs no (billed) query job"
    calls = client.client.generate_calls()
    asked = sorted(call["contents"][0]["parts"][0]["text"] for call in calls)
    assert asked == sorted(insights.QUESTIONS.values())
    sample = calls[0]["contents"][0]["parts"][1]["text"]
    assert "subscriber_type,bike_type,duration_minutes,start_station_name\nLocal365,electric,12,Zilker\n" in sample
    assert client.client.methods_called()[0] == "count_tokens"
    (written,) = gcs.uploads()
    report = json.loads(gcs.text(written))
    assert report["source_table"] == SOURCE and set(report["insights"]) == set(insights.QUESTIONS)
    assert report["insights"]["trends"]["confidence"] == "medium"


def test_data_insights_rejects_one_malformed_answer_and_writes_nothing(dagbag, services, genops_env):
    gcs, _ = services
    genops_env.setenv("GENOPS_INSIGHTS_SOURCE_TABLE", SOURCE)
    bad = {**answers.INSIGHT, "confidence": "certain"}
    replies = {insights.QUESTIONS["monetization"]: answers.text(bad), "Data sample": answers.text(answers.INSIGHT)}
    install_fake_genai(genops_env, ScriptedGenAIClient(replies=replies))
    result = run_dag(dagbag.get_dag("data_insights"))

    assert result.task_states["check_insights"] == "failed"
    assert result.task_states["write_insights"] == "upstream_failed" and gcs.uploads() == []


def test_data_insights_with_a_malformed_table_id_fails_naming_the_setting(dagbag, services, genops_env, capfd, caplog):
    genops_env.setenv("GENOPS_INSIGHTS_SOURCE_TABLE", "austin_bikeshare.bikeshare_trips; DROP TABLE x")
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("data_insights"))

    assert result.task_states["source_configured"] == "failed" and client.calls == []
    assert "GENOPS_INSIGHTS_SOURCE_TABLE='austin_bikeshare" in capfd.readouterr().out + caplog.text


def test_grounded_gemini_without_a_data_store_asks_only_google_search(dagbag, genops_env, capfd):
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("grounded_gemini"))

    assert result.state == "success"
    assert result.task_states == {
        "within_daily_budget": "success",
        "ask_google_search": "success",
        "data_store_configured": "success",
        "ask_data_store": "skipped",
    }
    (call,) = client.generate_calls()
    assert call["contents"] == [grounding.SEARCH_QUESTION] and call["config"]["tools"] == [{"google_search": {}}]
    assert "GENOPS_SEARCH_DATA_STORE is not set: skipping the data store question" in capfd.readouterr().out


def test_grounded_gemini_grounds_in_the_configured_data_store(dagbag, genops_env):
    genops_env.setenv("GENOPS_SEARCH_DATA_STORE", DATA_STORE)
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("grounded_gemini"))

    assert result.state == "success" and result.task_states["ask_data_store"] == "success"
    tools = [call["config"]["tools"] for call in client.generate_calls()]
    assert [{"retrieval": {"vertex_ai_search": {"datastore": DATA_STORE}}}] in tools
