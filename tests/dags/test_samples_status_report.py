"""composer_status_report: DAG runs come from the stable REST API (v2 on Airflow 3, v1 on 2.11), never the DB."""

from __future__ import annotations

import json

import pytest

from genops.samples import airflow_api, status_report
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples import answers
from tests.dags.samples.fakes import (
    FakeAirflowApi,
    ScriptedGenAIClient,
    install_fake_airflow_api,
    install_fake_sample_gcs,
)

API = "https://example-dot-us-central1.composer.googleusercontent.com"


def _run(state: str, dag_id: str = "count_tokens", number: int = 0) -> dict:
    return {
        "dag_id": dag_id,
        "dag_run_id": f"scheduled__2026-08-0{number % 9 + 1}",
        "state": state,
        "run_type": "scheduled",
        "start_date": "2026-08-01T10:00:00+00:00",
        "end_date": "2026-08-01T10:05:00+00:00",
        "conf": {"ignored": True},
    }


RUNS = [_run("failed", number=1), _run("failed", number=2), _run("success", "generate_content", 3)]


@pytest.fixture
def gcs(genops_env):
    genops_env.setenv("GENOPS_AIRFLOW_API_URL", API + "/")
    return install_fake_sample_gcs(genops_env)


def test_report_is_written_from_the_rest_api_records(dagbag, gcs, genops_env):
    import airflow

    api = install_fake_airflow_api(genops_env, FakeAirflowApi(runs=RUNS))
    client = install_fake_genai(
        genops_env, ScriptedGenAIClient(replies={"Facts (JSON)": answers.text(answers.STATUS_REPORT)})
    ).client
    result = run_dag(dagbag.get_dag("composer_status_report"))

    assert result.state == "success", result.task_states
    assert result.task_states["within_daily_budget"] == "success"
    version = "v2" if airflow.__version__.startswith("3.") else "v1"
    ((url, params),) = api.calls
    assert url == f"{API}/api/{version}/dags/~/dagRuns"
    assert params["order_by"] == "-start_date" and params["limit"] == 100 and params["offset"] == 0
    assert params["start_date_gte"].endswith("+00:00")
    (call,) = client.generate_calls()
    facts = json.loads(call["contents"][0].split("Facts (JSON):\n", 1)[1])
    assert facts["by_dag"] == {"count_tokens": {"failed": 2}, "generate_content": {"success": 1}}
    records, report = sorted(gcs.uploads())
    assert records.endswith("/dag_runs.jsonl") and report.endswith("/report.json")
    assert [json.loads(line)["state"] for line in gcs.text(records).splitlines()] == ["failed", "failed", "success"]
    written = json.loads(gcs.text(report))
    assert written["report"] == answers.STATUS_REPORT and written["facts"] == facts


def test_a_report_with_invented_failures_is_not_written(dagbag, gcs, genops_env, capfd, caplog):
    install_fake_airflow_api(genops_env, FakeAirflowApi(runs=RUNS))
    wrong = {
        **answers.STATUS_REPORT,
        "dags_needing_attention": [{**answers.STATUS_REPORT["dags_needing_attention"][0]}],
    }
    wrong["dags_needing_attention"][0]["failed_runs"] = 5
    install_fake_genai(genops_env, ScriptedGenAIClient(replies={"Facts (JSON)": answers.text(wrong)}))
    result = run_dag(dagbag.get_dag("composer_status_report"))

    assert result.task_states["check_report"] == "failed"
    assert result.task_states["write_report_file"] == "upstream_failed"
    assert not any(name.endswith("report.json") for name in gcs.uploads())
    assert "gives count_tokens 5 failed runs, the records 2" in capfd.readouterr().out + caplog.text


def test_no_runs_in_the_window_skips_the_report_without_a_gemini_call(dagbag, gcs, genops_env, capfd):
    install_fake_airflow_api(genops_env, FakeAirflowApi(runs=[]))
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("composer_status_report"))

    assert result.state == "success"
    assert result.task_states["write_report"] == "skipped" and client.calls == [] and gcs.uploads() == []
    assert result.task_states["within_daily_budget"] == "skipped", "no report, so no read of the ledger"
    assert "No DAG runs in the last 24 hours" in capfd.readouterr().out


def test_runs_are_paged_and_capped(genops_env, monkeypatch):
    from datetime import UTC, datetime

    genops_env.setenv("GENOPS_AIRFLOW_API_URL", API)
    monkeypatch.setattr(airflow_api, "MAX_RUNS", 250)
    api = install_fake_airflow_api(genops_env, FakeAirflowApi(runs=[_run("success", number=i) for i in range(260)]))
    runs, truncated = airflow_api.dag_runs_since(datetime(2026, 8, 1, tzinfo=UTC))

    assert [params["offset"] for _, params in api.calls] == [0, 100, 200]
    assert len(runs) == 250 and truncated is True
    assert set(runs[0]) == {"dag_id", "run_id", "state", "run_type", "start_date", "end_date"}


def test_an_api_answer_without_dag_runs_is_a_clear_error(genops_env, monkeypatch):
    from datetime import UTC, datetime

    genops_env.setenv("GENOPS_AIRFLOW_API_URL", API)
    monkeypatch.setattr(airflow_api, "get_json", lambda url, params: {"detail": "Unauthorized"})
    with pytest.raises(airflow_api.AirflowApiError, match="did not return a page of DAG runs"):
        airflow_api.dag_runs_since(datetime(2026, 8, 1, tzinfo=UTC))


def test_without_a_url_the_base_url_comes_from_airflow_config(genops_env, monkeypatch):
    import airflow

    section = "API" if airflow.__version__.startswith("3.") else "WEBSERVER"
    monkeypatch.setenv(f"AIRFLOW__{section}__BASE_URL", "https://airflow.example.com/")
    assert airflow_api.base_url() == "https://airflow.example.com"
    monkeypatch.setenv(f"AIRFLOW__{section}__BASE_URL", "")
    with pytest.raises(Exception, match="GENOPS_AIRFLOW_API_URL is unset"):
        airflow_api.base_url()


def test_summary_counts_every_run_but_lists_few_failures():
    runs = [airflow_api._record(_run("failed", number=i)) for i in range(30)]
    summary = status_report.summarize(runs, truncated=False)
    assert summary["by_state"] == {"failed": 30}
    assert len(summary["latest_failures"]) == status_report.MAX_LISTED_FAILURES
