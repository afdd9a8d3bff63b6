"""Gate decisions as plain data: what passed, and if not, exactly what missed and by how much.

The DAGs turn a failed decision into a skip of everything downstream (short-circuit), so a gate
always stops the work it guards, and the recorded decision says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Miss:
    metric: str
    value: float | None  # None: the evaluation did not report this metric
    threshold: float
    shortfall: float | None


@dataclass(frozen=True)
class GateDecision:
    gate: str
    passed: bool
    reason: str
    misses: list[Miss] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # passed, but an operator should act (e.g. a model retiring)

    def as_dict(self) -> dict:
        return asdict(self)


def budget_decision(total_tokens: int | None, budget: int) -> GateDecision:
    """Pass when the counted prompt fits the token budget."""
    if total_tokens is None:
        return GateDecision("token_budget", False, "the token count is missing; refusing to spend blind")
    if total_tokens > budget:
        return GateDecision("token_budget", False, f"prompt has {total_tokens} tokens, over the budget of {budget}")
    return GateDecision("token_budget", True, f"prompt has {total_tokens} tokens, within the budget of {budget}")


def threshold_decision(metrics: dict[str, float | None], thresholds: dict[str, float]) -> GateDecision:
    """Pass only when every thresholded metric is reported and at or above its minimum."""
    misses = []
    for metric, threshold in sorted(thresholds.items()):
        value = metrics.get(metric)
        if value is None:
            misses.append(Miss(metric, None, threshold, None))
        elif value < threshold:
            misses.append(Miss(metric, value, threshold, round(threshold - value, 6)))
    if not misses:
        return GateDecision("metric_thresholds", True, "every metric meets its threshold")
    reason = "; ".join(
        f"{m.metric} not reported (needs >= {m.threshold})"
        if m.value is None
        else f"{m.metric}={m.value:.4g} is {m.shortfall:.4g} below {m.threshold}"
        for m in misses
    )
    return GateDecision("metric_thresholds", False, reason, misses)


def preflight_decision(problems: list, warnings: list[str] | None = None) -> GateDecision:
    """Pass when no setting has a problem; the reason lists every problem (each names its GENOPS_ variable).
    `warnings` (a configured model retiring soon) are recorded with a passing decision and do not stop it."""
    warnings = list(warnings or [])
    if not problems:
        reason = "every setting this DAG spends with is valid"
        if warnings:
            reason += f"; WARNING: {'; '.join(warnings)}"
        return GateDecision("preflight", True, reason, warnings=warnings)
    return GateDecision("preflight", False, "; ".join(str(problem) for problem in problems), warnings=warnings)


def daily_spend_decision(
    *,
    spent_tokens: int,
    spent_usd: float | None,
    unpriced_calls: int,
    token_budget: float | None,
    cost_budget_usd: float | None,
) -> GateDecision:
    """Pass while today's ledger total is below every daily budget that is set (None: no limit).

    The cost budget counts priced calls only: a model the price table lacks costs "unknown", and the reason
    says how many such calls there were.
    """
    stops, notes = [], []
    if token_budget is not None:
        if spent_tokens >= token_budget:
            stops.append(
                f"today's Gemini spend is {spent_tokens} tokens, the daily budget of {token_budget:g} is used up"
            )
        else:
            notes.append(f"{spent_tokens} of {token_budget:g} tokens spent today")
    if cost_budget_usd is not None:
        usd = spent_usd or 0.0
        unknown = f" (+{unpriced_calls} call(s) of unpriced models, cost unknown)" if unpriced_calls else ""
        if usd >= cost_budget_usd:
            stops.append(
                f"today's estimated Gemini cost is {usd:.4f} USD{unknown}, "
                f"the daily budget of {cost_budget_usd:g} USD is used up"
            )
        else:
            notes.append(f"{usd:.4f} of {cost_budget_usd:g} USD spent today{unknown}")
    if stops:
        return GateDecision("daily_spend", False, "; ".join(stops))
    if not notes:
        return GateDecision(
            "daily_spend", True, "no daily budget is set (GENOPS_DAILY_TOKEN_BUDGET, GENOPS_DAILY_COST_BUDGET_USD)"
        )
    return GateDecision("daily_spend", True, "; ".join(notes))


def batch_spend_decision(
    *,
    what: str,
    estimated_tokens: int,
    estimated_usd: float | None,
    spent_tokens: int,
    spent_usd: float | None,
    token_budget: float | None,
    cost_budget_usd: float | None,
) -> GateDecision:
    """Pass when today's ledger total plus a batch job's estimate (`what` names the job) stays within every
    daily budget that is set. Decided before the job is submitted: a batch job cannot be stopped half-paid.

    An estimate without a price (a model the price table lacks) is checked against the token budget only,
    as the daily gate treats unpriced calls; the reason says so.
    """
    stops, notes = [], []
    if token_budget is not None:
        total = spent_tokens + estimated_tokens
        line = f"{spent_tokens} tokens spent today + {estimated_tokens} estimated for {what}"
        if total > token_budget:
            stops.append(f"{line} = {total}, over the daily budget of {token_budget:g} tokens")
        else:
            notes.append(f"{line} = {total}, within {token_budget:g}")
    if cost_budget_usd is not None:
        if estimated_usd is None:
            notes.append(f"{what} has no price in the price table: its cost is unknown and not counted")
        else:
            total_usd = (spent_usd or 0.0) + estimated_usd
            line = f"{spent_usd or 0.0:.4f} USD spent today + {estimated_usd:.4f} USD estimated for {what}"
            if total_usd > cost_budget_usd:
                stops.append(f"{line} = {total_usd:.4f} USD, over the daily budget of {cost_budget_usd:g} USD")
            else:
                notes.append(f"{line} = {total_usd:.4f} USD, within {cost_budget_usd:g} USD")
    if stops:
        return GateDecision("batch_daily_spend", False, "; ".join(stops))
    if not notes:
        return GateDecision(
            "batch_daily_spend",
            True,
            "no daily budget is set (GENOPS_DAILY_TOKEN_BUDGET, GENOPS_DAILY_COST_BUDGET_USD)",
        )
    return GateDecision("batch_daily_spend", True, "; ".join(notes))
