"""The canary's regression decision as plain data: each metric against its baseline, and what dropped too far.

A drop is how much worse the canary's score is than the baseline (below it; for a metric with an ideal value,
such as verbosity, further from that value), in the metric's own units and as a fraction of its range
(METRIC_RANGES). A fraction above GENOPS_REGRESSION_TOLERANCE is a regression. Each regression is logged as
one `CANARY_REGRESSION {json}` line, the marker the canary alert policy matches
(terraform/modules/monitoring/alert_canary.tf).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from genops.core.config import METRIC_IDEAL, METRIC_RANGES

LOG_MARKER = "CANARY_REGRESSION"  # terraform/modules/monitoring/catalogue.json log_markers.canary_regression


@dataclass(frozen=True)
class Drop:
    metric: str
    baseline: float
    value: float
    drop: float  # in the metric's units, > 0: worse than the baseline
    drop_fraction: float  # the drop over the metric's range
    tolerance: float


@dataclass(frozen=True)
class RegressionDecision:
    gate: str
    passed: bool
    reason: str
    model: str
    compared: list[str]
    regressions: list[Drop] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def worsening(metric: str, baseline: float, value: float) -> float:
    """How much worse `value` is than `baseline` on `metric`, in its units (negative: better)."""
    ideal = METRIC_IDEAL.get(metric)
    if ideal is None:
        return baseline - value
    return abs(value - ideal) - abs(baseline - ideal)


def regression_decision(row: dict, baseline: dict[str, float], tolerance: float, *, model: str) -> RegressionDecision:
    """Compare every baseline metric the canary's `row` reports; pass unless one dropped beyond `tolerance`."""
    compared, regressions = [], []
    for metric, base in sorted(baseline.items()):
        value = row.get(metric)
        if value is None:
            continue
        compared.append(metric)
        low, high = METRIC_RANGES[metric]
        drop = worsening(metric, base, value)
        fraction = drop / (high - low)
        if fraction > tolerance:
            regressions.append(Drop(metric, base, value, round(drop, 6), round(fraction, 6), tolerance))
    if not compared:
        return RegressionDecision(
            "canary_regression", True, f"no baseline to compare {model} with: nothing was compared", model, compared
        )
    if not regressions:
        return RegressionDecision(
            "canary_regression",
            True,
            f"{model}: every metric within {tolerance:g} of its range below the baseline ({', '.join(compared)})",
            model,
            compared,
        )
    reason = "; ".join(
        f"{d.metric}={d.value:.4g} dropped {d.drop:.4g} from the baseline {d.baseline:.4g} "
        f"({d.drop_fraction:.1%} of its range, tolerance {d.tolerance:.1%})"
        for d in regressions
    )
    return RegressionDecision("canary_regression", False, f"{model} regressed: {reason}", model, compared, regressions)


def marker_lines(decision: RegressionDecision, *, dag_id: str, run_id: str) -> list[str]:
    """One `CANARY_REGRESSION {json}` line per regressed metric (keys sorted)."""
    return [
        f"{LOG_MARKER} "
        + json.dumps({**asdict(drop), "model": decision.model, "dag_id": dag_id, "run_id": run_id}, sort_keys=True)
        for drop in decision.regressions
    ]
