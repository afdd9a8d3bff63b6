"""genops_pipeline's approval gate, run for real with dag.test() and retries on.

With GENOPS_APPROVERS set on Airflow 3.1+, `approve_serving` is the provider's ApprovalOperator: it writes its
request to the metadata DB and waits in HITLTrigger (dag.test runs the trigger in line). An approver answers
from another thread exactly as the REST API's PATCH .../hitlDetails route does (responded_by, responded_at,
chosen_options, params_input on the task's HITLDetail row). Served baselines land in model_evaluations on the
local BigQuery stand-in. With approvers unset, or on Airflow 2.11, the gate approves automatically.
"""

from __future__ import annotations

import threading
import time

import pytest

from genops.core.hitl import ApprovalOperator
from tests.conftest import DAGS_FOLDER
from tests.dags.fakes import REALISTIC_SUMMARY, TUNED_ENDPOINT
from tests.dags.runner import run_dag
from tests.dags.tuning_support import allow_reschedule_on_sqlite, install_pipeline_fakes, without_poke_waits

NO_HITL = "human-in-the-loop operators need Airflow 3.1+: on Airflow 2.11 the gate is automatic (tested below)"


def HITL(test):  # noqa: N802  (a mark, used as @HITL)
    """Runs where Airflow has human-in-the-loop operators; on Airflow 2.11 a skip by design, CI included."""
    return pytest.mark.skip_expected(reason=NO_HITL)(pytest.mark.skipif(ApprovalOperator is None, reason=NO_HITL)(test))


SERVING = ["generate", "record_served_baseline"]


def parse_pipeline():
    """genops_pipeline parsed now, with the GENOPS_ settings the test set (the approvers are read at parse time)."""
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2.11
        from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER / "genops_pipeline.py"), include_examples=False)
    assert not bag.import_errors, bag.import_errors
    return bag.get_dag("genops_pipeline")


def answer_when_asked(option: str, *, user: str = "ada", comment: str | None = None) -> threading.Thread:
    """Answer the first unanswered approval request as the REST API's hitlDetails PATCH does."""

    def answer():
        from airflow.models.hitl import HITLDetail
        from airflow.utils import timezone
        from airflow.utils.session import create_session
        from sqlalchemy import select

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with create_session() as session:
                detail = session.scalars(select(HITLDetail).where(HITLDetail.responded_at.is_(None))).first()
                if detail is not None:
                    detail.responded_by = {"id": user, "name": user}
                    detail.responded_at = timezone.utcnow()
                    detail.chosen_options = [option]
                    detail.params_input = {"comment": comment} if comment is not None else {}
                    session.add(detail)
                    return
            time.sleep(0.5)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def triggerer_answers_hitl_polls(monkeypatch):
    """dag.test() runs a deferred task's trigger in line under InProcessTestSupervisor, which (Airflow 3.2) does not
    serve HITLTrigger's messages as the triggerer does. Serve its poll (GetHITLDetailResponse)
    and its timeout's UpdateHITLDetail the triggerer's way (airflow.jobs.triggerer_job_runner: client.hitl
    get_detail_response / update_response); every other message is handled as before."""
    if ApprovalOperator is None:
        return
    from airflow.jobs.triggerer_job_runner import HITLDetailResponseResult
    from airflow.sdk.execution_time import supervisor
    from airflow.sdk.execution_time.comms import GetHITLDetailResponse, UpdateHITLDetail

    original = supervisor.InProcessTestSupervisor._handle_request

    def handle(self, msg, log, req_id):
        if isinstance(msg, GetHITLDetailResponse):
            response = self.client.hitl.get_detail_response(ti_id=msg.ti_id)
        elif isinstance(msg, UpdateHITLDetail):  # the timeout writes the default option as the response
            response = self.client.hitl.update_response(
                ti_id=msg.ti_id, chosen_options=msg.chosen_options, params_input=msg.params_input
            )
        else:
            return original(self, msg, log, req_id)
        self.send_msg(HITLDetailResponseResult.from_api_response(response=response), request_id=req_id, error=None)

    monkeypatch.setattr(supervisor.InProcessTestSupervisor, "_handle_request", handle)


@pytest.fixture
def run_pipeline(airflow_db, genops_env, bigquery_standin, triggerer_answers_hitl_polls):
    allow_reschedule_on_sqlite(genops_env)

    def run(dag):
        genai, _ = install_pipeline_fakes(genops_env, [REALISTIC_SUMMARY] * 3)
        return run_dag(without_poke_waits(dag), retries=True), genai.client

    return run


def served_rows(bigquery_standin) -> list[dict]:
    t = bigquery_standin.table
    return [row for row in bigquery_standin.standin.rows(t.project, t.dataset, "model_evaluations")]


def _served_calls(client) -> list[dict]:
    """generate_content calls after the evaluation's: the served answer."""
    return [c.kwargs for c in client.calls if c.method == "generate_content" and "config" in c.kwargs][-1:]


@HITL
def test_approve_serves_and_records_the_served_baseline(run_pipeline, genops_env, bigquery_standin):
    genops_env.setenv("GENOPS_APPROVERS", "ada, grace")
    dag = parse_pipeline()
    assert type(dag.get_task("approve_serving")).__name__ == "ServingApproval"
    answer_when_asked("Approve", user="ada", comment="metrics and cost look right")

    result, client = run_pipeline(dag)

    assert result.state == "success"
    assert [result.task_states[t] for t in ["approve_serving", *SERVING]] == ["success"] * 3
    decision = result.xcom("approve_serving", key="decision")
    assert decision["passed"] is True and decision["automatic"] is False
    assert (decision["option"], decision["by"], decision["comment"]) == (
        "Approve",
        "ada",
        "metrics and cost look right",
    )
    assert decision["at"]
    (served,) = served_rows(bigquery_standin)
    assert served["model_config"] == "served" and served["model"] == TUNED_ENDPOINT
    assert served["summarization_quality"] == REALISTIC_SUMMARY["summarization_quality/mean"]
    assert client.methods_called()[-1] == "generate_content"


@HITL
def test_reject_never_reaches_serving_and_records_who_and_why(run_pipeline, genops_env, bigquery_standin):
    genops_env.setenv("GENOPS_APPROVERS", "ada")
    answer_when_asked("Reject", user="ada", comment="groundedness too close to the line")

    result, client = run_pipeline(parse_pipeline())

    assert result.task_states["approve_serving"] == "success"
    assert [result.task_states[t] for t in SERVING] == ["skipped", "skipped"]
    decision = result.xcom("approve_serving", key="decision")
    assert (decision["passed"], decision["option"], decision["by"]) == (False, "Reject", "ada")
    assert decision["comment"] == "groundedness too close to the line"
    assert served_rows(bigquery_standin) == [], "a rejected model is never recorded as served"
    assert client.methods_called()[-1] == "count_tokens", "nothing was generated after the count"


@HITL
def test_no_answer_within_the_timeout_rejects(run_pipeline, genops_env, bigquery_standin):
    genops_env.setenv("GENOPS_APPROVERS", "ada")
    genops_env.setenv("GENOPS_APPROVAL_TIMEOUT", "1s")

    result, client = run_pipeline(parse_pipeline())

    assert result.task_states["approve_serving"] == "success"
    assert [result.task_states[t] for t in SERVING] == ["skipped", "skipped"]
    decision = result.xcom("approve_serving", key="decision")
    assert (decision["passed"], decision["option"], decision["by"]) == (False, "Reject", None)
    assert "GENOPS_APPROVAL_TIMEOUT" in decision["reason"]
    assert served_rows(bigquery_standin) == []


def test_without_approvers_the_gate_approves_automatically(run_pipeline, genops_env, bigquery_standin):
    """Also what Airflow 2.11 does whatever GENOPS_APPROVERS says (no human-in-the-loop operators there)."""
    if ApprovalOperator is None:
        genops_env.setenv("GENOPS_APPROVERS", "ada")
    dag = parse_pipeline()
    assert type(dag.get_task("approve_serving")).__name__ != "ServingApproval"

    result, client = run_pipeline(dag)

    assert result.state == "success"
    assert [result.task_states[t] for t in ["approve_serving", *SERVING]] == ["success"] * 3
    decision = result.xcom("approve_serving", key="decision")
    assert decision["passed"] is True and decision["automatic"] is True and decision["by"] is None
    (served,) = served_rows(bigquery_standin)
    assert served["model"] == TUNED_ENDPOINT
