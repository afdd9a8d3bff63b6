"""The model comparison report: validated rows as newline-delimited JSON, where they go, and which one wins."""

from __future__ import annotations

import json

from genops.evaluation.results import InvalidResultError, validate_row

REPORT_FILE = "model_evaluations.jsonl"
# Higher is better for every metric but verbosity, whose best score is 0 (neither terse nor wordy).
IDEAL_SCORE = {"verbosity": 0.0}


def report_object(prefix: str, dag_id: str, run_id: str) -> str:
    """Object path of one run's report: <GENOPS_REPORTS_PREFIX>/<dag_id>/<run_id>/model_evaluations.jsonl."""
    return f"{prefix.strip('/')}/{dag_id}/{run_id}/{REPORT_FILE}"


def to_ndjson(rows: list[dict]) -> str:
    """One schema-checked row per line, as BigQuery loads NEWLINE_DELIMITED_JSON."""
    if not rows:
        raise InvalidResultError("no evaluation rows to report")
    return "".join(json.dumps(validate_row(row), sort_keys=True) + "\n" for row in rows)


def best_row(rows: list[dict], metric: str) -> dict:
    """The row that scores best on `metric` (first in table order on a tie); fails if no row reports it."""
    scored = [row for row in rows if row.get(metric) is not None]
    if not scored:
        raise InvalidResultError(f"no configuration reported {metric}; set GENOPS_COMPARISON_METRIC to a scored metric")
    ideal = IDEAL_SCORE.get(metric)
    return max(scored, key=lambda row: row[metric] if ideal is None else -abs(row[metric] - ideal))
