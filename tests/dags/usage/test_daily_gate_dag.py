"""A DAG run for real (dag.test(), retries ON): the daily spend gate stops or lets through the paid task, every
Gemini call of every try lands in the ledger once, and a failing ledger write never fails the task."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest

from genops.usage import ledger
from tests.dags.usage.test_ledger import CALLS, response

DAG_ID = "usage_ledger_check"


@dataclass
class TaskWhere:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    try_number: int


def build_dag():
    """within_daily_budget >> a paid task that makes three Gemini calls, then fails its first try (a 429 after
    the money was spent) and succeeds on the retry. Built with the genops DAG defaults (task-end callbacks)."""
    from genops.core.compat import get_current_context, task
    from genops.core.dag_factory import lab_dag
    from genops.gates.tasks import within_daily_budget

    with lab_dag(DAG_ID, description="usage ledger and daily gate check", tags=["test"]) as dag:

        @task(retries=1, retry_delay=timedelta(0), retry_exponential_backoff=False)
        def generate():
            ti = get_current_context()["ti"]
            where = TaskWhere(ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number)
            for call in CALLS:
                ledger.record(
                    response(*call),
                    call_kind="generate_content",
                    model="gemini-2.5-flash",
                    profile="flash",
                    context=where,
                )
            if ti.try_number == 1:
                raise RuntimeError("429 RESOURCE_EXHAUSTED after the calls were made")
            return "generated"

        within_daily_budget() >> generate()
    return dag


def run(dag):
    dag_run = dag.test()
    return {ti.task_id: getattr(ti.state, "value", ti.state) for ti in dag_run.get_task_instances()}, dag_run


def register(dag, folder) -> None:
    """Airflow 3's dag.test() runs only serialized DAGs of a bundle: store this one as the dags folder's.
    (Airflow 2.11 runs the DAG object as it is.)"""
    try:
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    except ImportError:
        return
    from airflow.utils.session import create_session

    with create_session() as session:
        DagBundlesManager().sync_bundles_to_db(session=session)
    bag = DagBag(dag_folder=str(folder), include_examples=False)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)


@pytest.fixture
def dag(airflow_db, bigquery_standin, tmp_path):
    built = build_dag()
    register(built, tmp_path)
    return built


def test_under_budget_every_call_of_every_try_is_in_the_ledger(dag, bigquery_standin, genops_env, spent_today):
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", "100000")
    spent_today(99_000)
    states, dag_run = run(dag)
    assert states == {"within_daily_budget": "success", "generate": "success"}
    rows = [r for key, r in bigquery_standin.rows.items() if key != "earlier-run"]
    assert sorted((r["try_number"], r["call_number"]) for r in rows) == [(t, n) for t in (1, 2) for n in (1, 2, 3)]
    assert {r["run_id"] for r in rows} == {dag_run.run_id} and {r["dag_id"] for r in rows} == {DAG_ID}
    for row in rows:
        assert row["total_tokens"] == sum(CALLS[row["call_number"] - 1])
    assert len({r["call_id"] for r in rows}) == 6


def test_over_budget_the_gate_stops_the_paid_task_and_records_why(dag, bigquery_standin, genops_env, spent_today):
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", "100000")
    spent_today(100_000)
    states, dag_run = run(dag)
    assert states == {"within_daily_budget": "success", "generate": "skipped"}
    assert list(bigquery_standin.rows) == ["earlier-run"], "nothing was spent"
    (gate,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == "within_daily_budget"]
    decision = gate.xcom_pull(task_ids="within_daily_budget", key="decision")
    assert decision["passed"] is False and decision["gate"] == "daily_spend"
    assert "100000 tokens, the daily budget of 100000 is used up" in decision["reason"]


def test_a_cost_budget_stops_the_run_too(dag, bigquery_standin, genops_env, spent_today):
    genops_env.setenv("GENOPS_DAILY_COST_BUDGET_USD", "0.25")
    spent_today(100_000, cost_usd=0.25)
    states, _ = run(dag)
    assert states["generate"] == "skipped"


def test_without_a_budget_the_gate_reads_nothing_and_passes(dag, bigquery_standin, genops_env):
    states, _ = run(dag)
    assert states == {"within_daily_budget": "success", "generate": "success"}
    assert not [path for path, _ in bigquery_standin.requests if path.endswith("/queries")]


def test_a_failing_ledger_write_never_fails_the_task(dag, bigquery_standin, genops_env, caplog):
    bigquery_standin.fail_next("insertAll", 503, times=100)  # every write of both tries fails
    with caplog.at_level(logging.ERROR, logger="genops.usage.ledger"):
        states, _ = run(dag)
    assert states == {"within_daily_budget": "success", "generate": "success"}
    assert bigquery_standin.rows == {}
    assert caplog.text.count("USAGE LEDGER WRITE FAILED: 3 Gemini call(s)") == 2, "each try's rows, logged loudly"
