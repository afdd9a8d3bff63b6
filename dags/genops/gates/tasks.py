"""Gate tasks: short-circuits that skip everything downstream unless their gate passes, recording why.

Each pushes its `GateDecision` to XCom key "decision" and logs one line with the reason (for a metric
gate: every metric that missed, its value, threshold and shortfall).
"""

from __future__ import annotations

import logging

from genops.core import config
from genops.core.compat import AirflowFailException, get_current_context, task
from genops.gates.decisions import (
    GateDecision,
    batch_spend_decision,
    budget_decision,
    daily_spend_decision,
    preflight_decision,
    threshold_decision,
)

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
    """Continue (promote) only if every metric in GENOPS_EVAL_THRESHOLDS is at or above its minimum.

    A thresholded metric the row does not report is not a decline but a failure (the gate could not
    decide): the decision is recorded, then the task fails naming the metric.
    """
    thresholds = config.eval_thresholds()
    decision = threshold_decision({metric: row.get(metric) for metric in thresholds}, thresholds)
    passed = publish(decision)
    unreported = [miss.metric for miss in decision.misses if miss.value is None]
    if unreported:
        raise AirflowFailException(
            f"The metric gate cannot decide: GENOPS_EVAL_THRESHOLDS thresholds {unreported}, which the "
            f"evaluation row of {row.get('model_config')!r} does not report. Threshold only metrics the evaluation "
            f"reports."
        )
    return passed


@task
def preflight(settings: list[str], produced_metrics: list[str]) -> dict:
    """The DAG's first task: check every setting it spends with, and that each configured model exists.

    `settings` are GENOPS_ names (see genops.gates.preflight.CHECKS); `produced_metrics` what the
    evaluation reports. A bad setting fails it without retry (AirflowFailException: a setting does not fix
    itself), naming each bad setting and the fix; a transient models.get error is retried as any task's.
    """
    from genops.gates.preflight import MODEL_SETTINGS, missing_models, model_standings, setting_problems

    problems = setting_problems(settings, produced_metrics)
    models = {name: config.get(name) for name in settings if name in MODEL_SETTINGS}
    retired, retiring = model_standings(models, run_day()) if models and not problems else ([], [])
    problems += retired
    for state in retiring:
        log.warning("%s", state.log_line())
    if models and not problems:
        client = _client_if_credentials()
        if client is None:
            log.info("No Google Cloud credentials: not asking models.get for %s", sorted(models.values()))
        else:
            problems += missing_models(models, lambda model: client.models.get(model=model))
    decision = preflight_decision(problems, [state.reason for state in retiring])
    if not publish(decision):
        raise AirflowFailException(f"Preflight found bad settings; nothing was spent. {decision.reason}")
    return {"checked": sorted(settings), "models": models}


def run_day():
    """The UTC day a run checks model lifecycles against: its logical date (a backfill checks its own day),
    else today."""
    from datetime import UTC, datetime

    when = get_current_context().get("logical_date") or datetime.now(UTC)
    return when.astimezone(UTC).date()


def _client_if_credentials():
    """The google-genai client when credentials can be found, else None (preflight then checks offline)."""
    from genops.core.credentials import MissingCredentialsError
    from genops.gemini.calls import genai_client

    try:
        return genai_client("preflight: models.get for the configured models")
    except MissingCredentialsError:
        return None


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


def batch_within_daily_budget(*, what: str, estimated_tokens: int, estimated_usd: float | None) -> GateDecision:
    """The daily spend gate for a batch prediction job, before it is submitted: today's ledger total plus the
    job's estimate against GENOPS_DAILY_TOKEN_BUDGET and GENOPS_DAILY_COST_BUDGET_USD (both unset: nothing is
    read). Logged and returned; the caller refuses to submit when it did not pass."""
    token_budget = config.optional_number("GENOPS_DAILY_TOKEN_BUDGET")
    cost_budget = config.optional_number("GENOPS_DAILY_COST_BUDGET_USD")
    spent_tokens, spent_usd = 0, None
    if token_budget is not None or cost_budget is not None:
        from genops.usage import spend

        today = spend.today()
        spent_tokens, spent_usd = today.total_tokens, today.cost_usd
    decision = batch_spend_decision(
        what=what,
        estimated_tokens=estimated_tokens,
        estimated_usd=estimated_usd,
        spent_tokens=spent_tokens,
        spent_usd=spent_usd,
        token_budget=token_budget,
        cost_budget_usd=cost_budget,
    )
    log.info("%s gate %s: %s", decision.gate, "passed" if decision.passed else "REFUSED the job", decision.reason)
    return decision


@task.short_circuit
def within_daily_budget() -> bool:
    """Continue only while today's Gemini spend in the usage ledger is below GENOPS_DAILY_TOKEN_BUDGET and
    GENOPS_DAILY_COST_BUDGET_USD (each unset: no limit; both unset: nothing is read)."""
    return publish(daily_spend_today())
