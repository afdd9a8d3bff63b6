"""The approval gate before serving: a person named in GENOPS_APPROVERS approves or rejects, or it is automatic.

On Airflow 3.1+ with approvers set, `approval_gate` is the provider's `ApprovalOperator` (deferred until an
approver answers in the UI's Required Actions view or through the REST API). Reject, or no answer within
GENOPS_APPROVAL_TIMEOUT (its default option is Reject), skips everything downstream: nothing is served. With no
approvers, or on Airflow 2.11 (no human-in-the-loop operators), the gate approves automatically. Either way
the decision is plain data: pushed to XCom key "decision" and logged with who, when, the option and the comment.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta

from genops.core import config
from genops.core.compat import Param, task
from genops.core.hitl import ApprovalOperator

log = logging.getLogger(__name__)

APPROVE, REJECT = "Approve", "Reject"
TASK_ID = "approve_serving"


@dataclass(frozen=True)
class ApprovalDecision:
    gate: str
    passed: bool
    reason: str
    option: str
    by: str | None  # the approver's Airflow user id; None: automatic, or nobody answered in time
    at: str | None  # ISO-8601 UTC
    comment: str | None
    automatic: bool

    def as_dict(self) -> dict:
        return asdict(self)


def human_decision(outcome: dict, *, timed_out: bool) -> ApprovalDecision:
    """The decision from ApprovalOperator's outcome (chosen_options, responded_by_user, responded_at, params_input)."""
    option = outcome["chosen_options"][0]
    user = outcome.get("responded_by_user") or {}
    at = outcome.get("responded_at")
    at = at.isoformat() if hasattr(at, "isoformat") else at
    comment = (outcome.get("params_input") or {}).get("comment") or None
    who = user.get("id")
    if timed_out:
        reason = f"no approver answered within GENOPS_APPROVAL_TIMEOUT; the default option {option} applies"
    else:
        reason = f"{user.get('name') or who} chose {option}" + (f": {comment}" if comment else "")
    return ApprovalDecision("approval", option == APPROVE, reason, option, who, at, comment, False)


def automatic_decision(why: str) -> ApprovalDecision:
    from datetime import UTC, datetime

    return ApprovalDecision("approval", True, f"approved automatically: {why}", APPROVE, None,
                            datetime.now(UTC).isoformat(), None, True)  # fmt: skip


def timeout() -> timedelta:
    """How long approvers have, GENOPS_APPROVAL_TIMEOUT (read when the DAG is parsed; a bad value falls back to
    the default here and fails the run's preflight, naming the setting)."""
    try:
        return timedelta(seconds=config.duration_seconds("GENOPS_APPROVAL_TIMEOUT"))
    except config.InvalidSettingError:
        default = config.SETTINGS["GENOPS_APPROVAL_TIMEOUT"].default
        return timedelta(seconds=config.parse_duration("GENOPS_APPROVAL_TIMEOUT", default))


def approval_body(
    *,
    model: str,
    base_model: str,
    row: dict,
    thresholds: dict[str, float],
    total_tokens: int | None,
    token_budget: int,
    run_spend: dict,
    project: str,
    table: str,
    approval_timeout: timedelta,
) -> str:
    """The Markdown an approver reads: each metric against its threshold, tokens against the budget, the run's
    estimated cost from the usage ledger, the tuned model and its base, and where the evaluation is recorded."""
    lines = [
        f"**Serve tuned model** `{model}` (base `{base_model}`)?",
        "",
        "| metric | score | threshold |",
        "|---|---|---|",
    ]
    for metric in sorted(set(thresholds) | {m for m in config.METRIC_RANGES if row.get(m) is not None}):
        score = row.get(metric)
        lines.append(
            f"| {metric} | {'-' if score is None else f'{score:.4g}'} | "
            f"{'-' if metric not in thresholds else f'>= {thresholds[metric]:g}'} |"
        )
    cost = run_spend.get("cost_usd")
    lines += [
        "",
        f"- Prompt to serve: {total_tokens} tokens, budget {token_budget} (GENOPS_TOKEN_BUDGET).",
        f"- Gemini spend of this run so far (usage ledger): {run_spend.get('total_tokens', 0)} tokens in "
        f"{run_spend.get('calls', 0)} calls, estimated "
        + ("unknown (unpriced model)" if cost is None else f"{cost:.4f} USD")
        + ".",
        f"- Experiment run: `{row.get('experiment_name')}` / `{row.get('experiment_run_name')}` (Vertex AI > "
        "Experiments).",
        f"- Evaluation row: `{row.get('evaluation_id')}` in BigQuery table `{table}` "
        f"([BigQuery console](https://console.cloud.google.com/bigquery?project={project})).",
        "",
        f"**Approve** serves it and records it as the canary's baseline. **Reject**, or no answer within "
        f"{approval_timeout}, skips serving.",
    ]
    return "\n".join(lines)


@task(task_id=TASK_ID)
def _automatic(body: str, why: str) -> dict:
    from genops.gates.tasks import publish

    log.info("Approval request (automatic):\n%s", body)
    decision = automatic_decision(why)
    publish(decision)
    return decision.as_dict()


if ApprovalOperator is not None:

    class ServingApproval(ApprovalOperator):
        """The provider's ApprovalOperator, recording its outcome as a plain-data decision once it resumes."""

        def execute_complete(self, context, event):
            """Record the answer first: on Reject the provider's skip of everything downstream ends the task."""
            from genops.gates.tasks import publish

            if "error" not in event:
                self.validate_chosen_options(event["chosen_options"])
                publish(human_decision(dict(event), timed_out=bool(event.get("timedout"))))
            return super().execute_complete(context=context, event=event)


def approval_gate(body, *, subject: str):
    """The `approve_serving` task: ApprovalOperator asking GENOPS_APPROVERS, or the automatic approval.

    `body` is the request's Markdown (an XComArg). Everything downstream runs only on Approve.
    """
    approvers = config.approvers()
    if not approvers:
        return _automatic(body, "no approver is named in GENOPS_APPROVERS")
    if ApprovalOperator is None:
        return _automatic(body, "this Airflow has no human-in-the-loop operators (Airflow 3.1+); GENOPS_APPROVERS "
                          f"{approvers} were not asked")  # fmt: skip
    return ServingApproval(
        task_id=TASK_ID,
        subject=subject,
        body=body,
        defaults=REJECT,  # no answer within the timeout rejects
        response_timeout=timeout(),
        assigned_users=[{"id": user, "name": user} for user in approvers],
        params={"comment": Param("", type="string", description="Why you approve or reject (recorded).")},
    )
