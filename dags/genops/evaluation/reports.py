"""The model comparison report: validated rows as newline-delimited JSON, where they go, and which one wins."""

from __future__ import annotations

import json

from genops.core.config import METRIC_IDEAL
from genops.core.naming import object_segment
from genops.evaluation.results import InvalidResultError, validate_row

REPORT_FILE = "model_evaluations.jsonl"
IDEAL_SCORE = METRIC_IDEAL


def report_object(prefix: str, dag_id: str, run_id: str) -> str:
    """Object path of one run's report: <GENOPS_REPORTS_PREFIX>/<dag_id>/<run>/model_evaluations.jsonl, where
    <run> is the run id with every character outside [A-Za-z0-9_.-] replaced (no ':' or '+' in object names)."""
    return f"{prefix.strip('/')}/{object_segment(dag_id)}/{object_segment(run_id)}/{REPORT_FILE}"


def to_ndjson(rows: list[dict]) -> str:
    """One schema-checked row per line, as BigQuery loads NEWLINE_DELIMITED_JSON."""
    if not rows:
        raise InvalidResultError("no evaluation rows to report")
    return "".join(json.dumps(validate_row(row), sort_keys=True) + "\n" for row in rows)


def best_row(rows: list[dict], metric: str) -> dict:
    """The row that scores best on `metric` (first in table order on a tie).

    Every row must report it: a configuration without the metric is an error, never silently left out of
    the pick (the evaluation task already refuses such rows; this guards any other caller).
    """
    if not rows:
        raise InvalidResultError("no evaluation rows to compare")
    unscored = [row.get("model_config") for row in rows if not isinstance(row.get(metric), int | float)]
    if unscored:
        raise InvalidResultError(
            f"configuration(s) {unscored} report no {metric}; set GENOPS_COMPARISON_METRIC to a metric every "
            f"evaluation reports"
        )
    ideal = IDEAL_SCORE.get(metric)
    return max(rows, key=lambda row: row[metric] if ideal is None else -abs(row[metric] - ideal))
