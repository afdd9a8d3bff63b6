"""composer_status_report: turn a day of DAG-run records into facts, and check Gemini's report against them."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import timedelta

from genops.samples.structured import InvalidAnswerError, structured_profile

LOOKBACK = timedelta(hours=24)
MAX_LISTED_FAILURES = 20  # failed runs named in the prompt; the counts cover all of them

REPORT_SCHEMA = {
    "type": "object",
    "properties": {
        "headline": {"type": "string", "description": "One sentence on the environment's health."},
        "overall_health": {"type": "string", "enum": ["healthy", "degraded", "failing"]},
        "dags_needing_attention": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "properties": {
                    "dag_id": {"type": "string"},
                    "failed_runs": {"type": "integer", "minimum": 0},
                    "observation": {"type": "string"},
                },
                "required": ["dag_id", "failed_runs", "observation"],
                "property_ordering": ["dag_id", "failed_runs", "observation"],
            },
        },
        "recommendations": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
    },
    "required": ["headline", "overall_health", "dags_needing_attention", "recommendations"],
    "property_ordering": ["headline", "overall_health", "dags_needing_attention", "recommendations"],
}
INSTRUCTION = (
    "You are an Airflow platform engineer writing the daily status report of a Cloud Composer environment. "
    "Use only the facts given; copy DAG ids and failure counts exactly."
)
PROFILE = structured_profile("status_report", REPORT_SCHEMA, system_instruction=INSTRUCTION)


def summarize(runs: list[dict], *, truncated: bool) -> dict:
    """Counts by state and by DAG, and the latest failures: small, whatever the number of runs."""
    by_dag: dict[str, Counter] = defaultdict(Counter)
    for run in runs:
        by_dag[run["dag_id"]][run["state"] or "unknown"] += 1
    failures = [run for run in runs if run["state"] == "failed"]
    return {
        "window_hours": int(LOOKBACK.total_seconds() // 3600),
        "runs": len(runs),
        "truncated": truncated,
        "by_state": dict(sorted(Counter(run["state"] or "unknown" for run in runs).items())),
        "by_dag": {dag_id: dict(sorted(states.items())) for dag_id, states in sorted(by_dag.items())},
        "latest_failures": [
            {key: run[key] for key in ("dag_id", "run_id", "start_date")} for run in failures[:MAX_LISTED_FAILURES]
        ],
    }


def report_contents(summary: dict) -> list[str]:
    return [
        "Write the status report for these DAG runs of the last "
        f"{summary['window_hours']} hours. Facts (JSON):\n{json.dumps(summary, sort_keys=True)}"
    ]


def check_report(report: dict, summary: dict) -> dict:
    """Every DAG the report names must exist, with its real number of failed runs: no invented facts."""
    for item in report["dags_needing_attention"]:
        states = summary["by_dag"].get(item["dag_id"])
        if states is None:
            raise InvalidAnswerError(
                f"the report names DAG {item['dag_id']!r}, which has no runs in the window; nothing was written."
            )
        if item["failed_runs"] != states.get("failed", 0):
            raise InvalidAnswerError(
                f"the report gives {item['dag_id']} {item['failed_runs']} failed runs, the records "
                f"{states.get('failed', 0)}; nothing was written."
            )
    return report
