"""Gate tasks: short-circuits that skip everything downstream unless their gate passes, recording why.

Each pushes its `GateDecision` to XCom key "decision" and logs one line with the reason (for a metric
gate: every metric that missed, its value, threshold and shortfall).
"""

from __future__ import annotations

import logging

from genops.core import config
from genops.core.compat import get_current_context, task
from genops.gates.decisions import GateDecision, budget_decision, daily_spend_decision, threshold_decision

log = logging.getLogger(__name__)


def publish(decision: GateDecision) -> bool:
    log.info("%s gate %s: %s", decision.gate, "passed" if decision.passed else "STOPPED the run", decision.reason)
    get_current_context()["ti"].xcom_push(key="decision", value=decision.as_dict())
    return decision.passed


@task.short_circuit
def within_budget(total_tokens: int | None) -> bool:
    """Continue only if the counted prompt fits GENOPS_TOKEN_BUDGET."""
    return publish(budget_decision(total_tokens, config.get_int("GENOPS_TOKEN_BUDGET")))


@task.short_circuit
def meets_thresholds(row: dict) -> bool:
    """Continue (promote) only if every metric in GENOPS_EVAL_THRESHOLDS is reported and at or above its minimum."""
    thresholds = config.eval_thresholds()
    return publish(threshold_decision({metric: row.get(metric) for metric in thresholds}, thresholds))


def daily_spend_today() -> GateDecision:
    """Today's daily spend decision: the usage ledger's total for the UTC day against GENOPS_DAILY_TOKEN_BUDGET
    and GENOPS_DAILY_COST_BUDGET_USD (each unset: no limit; both unset: nothing is read). Every Gemini spender
    decides with this: the `within_daily_budget` gate task, and callbacks that call Gemini outside a task."""
    token_budget = config.optional_number("GENOPS_DAILY_TOKEN_BUDGET")
    cost_budget = config.optional_number("GENOPS_DAILY_COST_BUDGET_USD")
    if token_budget is None and cost_budget is None:
        return daily_spend_decision(
            spent_tokens=0, spent_usd=None, unpriced_calls=0, token_budget=None, cost_budget_usd=None
        )
    from genops.usage import spend

    today = spend.today()
    return daily_spend_decision(
        spent_tokens=today.total_tokens,
        spent_usd=today.cost_usd,
        unpriced_calls=today.unpriced_calls,
        token_budget=token_budget,
        cost_budget_usd=cost_budget,
    )


@task.short_circuit
def within_daily_budget() -> bool:
    """Continue only while today's Gemini spend in the usage ledger is below GENOPS_DAILY_TOKEN_BUDGET and
    GENOPS_DAILY_COST_BUDGET_USD (each unset: no limit; both unset: nothing is read)."""
    return publish(daily_spend_today())
