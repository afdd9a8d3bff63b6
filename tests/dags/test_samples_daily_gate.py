"""The samples' daily spend gate, run for real: over today's budget a sample calls Gemini not once and spends
nothing; under it the sample runs to the end. enhanced_logging spends only in its failure callback, which takes the
same decision (tests/dags/test_samples_callback.py)."""

from __future__ import annotations

import pytest

from genops.gemini import tasks as gemini_tasks
from genops.samples import feedback, pdfs, video
from tests.conftest import REPO
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples import SAMPLE_DAG_IDS, answers
from tests.dags.samples.fakes import (
    BUCKET,
    FakeAirflowApi,
    ScriptedGenAIClient,
    install_fake_airflow_api,
    install_fake_sample_bigquery,
    install_fake_sample_gcs,
)
from tests.dags.test_samples_optional import DATA_STORE, SOURCE, TRIPS
from tests.dags.test_samples_status_report import API, RUNS
from tests.dags.tuning_support import allow_reschedule_on_sqlite

CALLBACK_ONLY = {"enhanced_logging"}  # no Gemini task: its failure callback checks the daily decision itself
GATED = sorted(SAMPLE_DAG_IDS - CALLBACK_ONLY)
GEMINI_CALLABLES = {gemini_tasks._generate_content.function, gemini_tasks._count_tokens.function}
BUDGET = 5000
REPLIES = {  # one client answers every sample's prompts, in the shape each check expects
    feedback.PROMPT: answers.text(answers.FEEDBACK),
    video.SUMMARY_PROMPT: answers.text(answers.VIDEO_SUMMARY),
    video.SCENES_PROMPT: answers.text(answers.VIDEO_SCENES),
    pdfs.SUMMARY_PROMPT: answers.text(answers.PDF_SUMMARY),
    "Translate every string value": answers.text(answers.PDF_TRANSLATION),
    "Data sample": answers.text(answers.INSIGHT),
    "Facts (JSON)": answers.text(answers.STATUS_REPORT),
}
INPUTS = {  # what each sample reads before it calls Gemini, staged in the fake bucket
    "customer_service_feedback": {"samples/inputs/feedback/transcript.txt": "samples/inputs/feedback/transcript.txt"},
    "pdf_coalesce": {f"samples/inputs/pdfs/{p.name}": p for p in (REPO / "samples/inputs/pdfs").glob("*.pdf")},
}
SETTINGS = {
    "composer_status_report": {"GENOPS_AIRFLOW_API_URL": API},
    "data_insights": {"GENOPS_INSIGHTS_SOURCE_TABLE": SOURCE},
    "grounded_gemini": {"GENOPS_SEARCH_DATA_STORE": DATA_STORE},
    "pdf_coalesce": {"GENOPS_TRANSLATION_LANGUAGE": "Spanish"},
}


def stage(dag_id: str, monkeypatch) -> None:
    """Every sample's inputs present and every optional branch on, so under budget each runs to its end."""
    allow_reschedule_on_sqlite(monkeypatch)  # the input sensors run in reschedule mode
    gcs = install_fake_sample_gcs(monkeypatch)
    for name, source in INPUTS.get(dag_id, {}).items():
        gcs.put(BUCKET, name, (REPO / source).read_bytes())
    gcs.put(BUCKET, "samples/inputs/video/animals.mp4", b"\x00\x00\x00\x18ftypmp42")
    install_fake_sample_bigquery(monkeypatch, gcs).tables[SOURCE] = TRIPS
    install_fake_airflow_api(monkeypatch, FakeAirflowApi(runs=RUNS))
    for name, value in SETTINGS.get(dag_id, {}).items():
        monkeypatch.setenv(name, value)


def gemini_task_ids(dag) -> set[str]:
    return {t.task_id for t in dag.tasks if getattr(t, "python_callable", None) in GEMINI_CALLABLES}


def test_every_sample_with_a_gemini_task_has_the_gate_upstream_of_all_of_them(dagbag):
    for dag_id in sorted(SAMPLE_DAG_IDS):
        dag = dagbag.get_dag(dag_id)
        spenders = gemini_task_ids(dag)
        if dag_id in CALLBACK_ONLY:
            assert not spenders and "within_daily_budget" not in dag.task_ids, dag_id
            continue
        assert spenders, f"{dag_id} has no Gemini task: move it to CALLBACK_ONLY or give it one"
        assert "within_daily_budget" in dag.task_ids, f"{dag_id} calls Gemini without a daily spend gate"
        gated = dag.get_task("within_daily_budget").get_flat_relative_ids(upstream=False)
        assert spenders <= gated, f"{dag_id}: {sorted(spenders - gated)} can spend without the daily gate"


@pytest.mark.parametrize("dag_id", GATED)
def test_over_the_daily_budget_a_sample_calls_no_gemini_and_records_why(
    dagbag, genops_env, bigquery_standin, spent_today, dag_id
):
    stage(dag_id, genops_env)
    client = install_fake_genai(genops_env, ScriptedGenAIClient(replies=REPLIES)).client
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", str(BUDGET))
    spent_today(BUDGET)
    dag = dagbag.get_dag(dag_id)
    result = run_dag(dag)

    assert result.state == "success" and result.task_states["within_daily_budget"] == "success"
    stopped = dag.get_task("within_daily_budget").get_flat_relative_ids(upstream=False)
    assert {result.task_states[task_id] for task_id in stopped} == {"skipped"}
    assert client.calls == [], "no Gemini call once the day's budget is used up"
    assert list(bigquery_standin.rows) == ["earlier-run"], "nothing was spent"
    decision = result.xcom("within_daily_budget", key="decision")
    assert decision["passed"] is False and decision["gate"] == "daily_spend"
    assert f"{BUDGET} tokens, the daily budget of {BUDGET} is used up" in decision["reason"]


@pytest.mark.parametrize("dag_id", GATED)
def test_under_the_daily_budget_a_sample_runs_to_the_end(dagbag, genops_env, bigquery_standin, spent_today, dag_id):
    stage(dag_id, genops_env)
    client = install_fake_genai(genops_env, ScriptedGenAIClient(replies=REPLIES)).client
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", str(BUDGET))
    spent_today(BUDGET - 1)
    result = run_dag(dagbag.get_dag(dag_id))

    assert result.state == "success", result.task_states
    assert "skipped" not in result.task_states.values(), result.task_states
    assert client.generate_calls()
    spent = [row for key, row in bigquery_standin.rows.items() if key != "earlier-run"]
    assert len(spent) == len(client.calls), "every Gemini call of the run is in the ledger"
    decision = result.xcom("within_daily_budget", key="decision")
    assert decision["passed"] and f"{BUDGET - 1} of {BUDGET} tokens spent today" in decision["reason"]
