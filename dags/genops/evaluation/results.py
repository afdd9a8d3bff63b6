"""Evaluation results as rows of the `model_evaluations` table, checked against its one schema file.

The same JSON schema file defines the BigQuery table in Terraform (terraform/modules/bigquery) and
checks every row here before anything is written or loaded.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

from genops.core.config import METRIC_RANGES
from genops.core.naming import short_hash
from genops.core.paths import SCHEMAS_DIR

SCHEMA_FILE = SCHEMAS_DIR / "model_evaluations.json"


class InvalidResultError(ValueError):
    """An evaluation result or row that must not be stored."""


@cache
def schema(schema_file: Path = SCHEMA_FILE) -> tuple[dict, ...]:
    """The fields of a BigQuery JSON schema file in genops/schemas (default: model_evaluations)."""
    return tuple(json.loads(schema_file.read_text(encoding="utf-8")))


CHECKED_TYPES = {"STRING", "INTEGER", "FLOAT", "BOOLEAN", "DATE", "TIMESTAMP"}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _type_problem(field: dict, value) -> str | None:
    kind = field["type"]
    if kind not in CHECKED_TYPES:
        return f"has BigQuery type {kind}, which validate_row cannot check yet"
    if kind == "STRING" and not isinstance(value, str):
        return "must be a string"
    if kind == "INTEGER" and (isinstance(value, bool) or not isinstance(value, int)):
        return "must be an integer"
    if kind == "FLOAT" and not _is_number(value):
        return "must be a finite number"
    if kind == "BOOLEAN" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "DATE":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be a YYYY-MM-DD date"
    if kind == "TIMESTAMP":
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be an ISO-8601 timestamp"
    return None


def validate_row(row: dict, schema_file: Path = SCHEMA_FILE, *, row_name: str | None = None) -> dict:
    """Return the row if it fits the table's schema file, else raise naming every problem at once.

    `row_name` says which row it is in the error (default: the evaluation row's model_config).
    """
    fields = {field["name"]: field for field in schema(schema_file)}
    problems = [f"unknown field {name!r}" for name in sorted(row.keys() - fields.keys())]
    for name, field in fields.items():
        value = row.get(name)
        if value is None:
            if field.get("mode") == "REQUIRED":
                problems.append(f"{name} is required")
            continue
        problem = _type_problem(field, value)
        if problem:
            problems.append(f"{name}={value!r} {problem}")
    if problems:
        row_name = row_name or f"row for {row.get('model_config')!r}"
        raise InvalidResultError(f"{row_name} does not match {schema_file.name}: " + "; ".join(problems))
    return row


class IncompleteMetricsError(InvalidResultError):
    """A metric the evaluation asked for is missing, "NaN" or out of its range: the result is not whole."""


def metric_means(summary_metrics: dict, metrics: tuple[str, ...] = tuple(METRIC_RANGES)) -> dict[str, float]:
    """The `<metric>/mean` of every metric in `metrics`, each required, finite and in its range.

    The Vertex AI SDK logs a NaN mean as the string "NaN" (e.g. when every example failed to score); a
    missing or NaN metric is never stored as empty, since the comparison would then silently skip it.
    """
    means, problems = {}, []
    for metric in metrics:
        low, high = METRIC_RANGES[metric]
        value = summary_metrics.get(f"{metric}/mean")
        if value is None:
            problems.append(f"{metric} is missing from the evaluation summary")
        elif not _is_number(value):
            problems.append(f"{metric}/mean={value!r} is not a finite number")
        elif not low <= value <= high:
            problems.append(f"{metric}/mean={value!r} is not a number from {low} to {high}")
        else:
            means[metric] = float(value)
    if problems:
        raise IncompleteMetricsError("; ".join(problems))
    return means


def metrics_row(
    summary_metrics: dict,
    *,
    model_config: str,
    model: str,
    dag_id: str,
    run_id: str,
    evaluated_at: datetime,
    experiment_name: str | None = None,
    experiment_run_name: str | None = None,
    metrics: tuple[str, ...] = tuple(METRIC_RANGES),
    base_model: str | None = None,
) -> dict:
    """Turn an evaluation summary into one validated `model_evaluations` row; every metric in `metrics` must
    be reported (see `metric_means`)."""
    row_count = summary_metrics.get("row_count")
    if isinstance(row_count, float) and row_count.is_integer():
        row_count = int(row_count)
    if isinstance(row_count, bool) or not isinstance(row_count, int) or row_count < 1:
        raise InvalidResultError(f"evaluation summary row_count={row_count!r} is not a positive integer")
    row = {
        "evaluation_id": f"{dag_id}/{run_id}/{model_config}",
        "evaluation_date": evaluated_at.date().isoformat(),
        "evaluated_at": evaluated_at.isoformat(),
        "dag_id": dag_id,
        "run_id": run_id,
        "model_config": model_config,
        "model": model,
        "base_model": base_model,
        "experiment_name": experiment_name,
        "experiment_run_name": experiment_run_name,
        "row_count": row_count,
        **metric_means(summary_metrics, metrics),
        "summary_metrics": json.dumps(summary_metrics, sort_keys=True),
    }
    return validate_row(row)


# Vertex AI Experiments: the run's resource id `{experiment}-{run}` is at most 121 characters
# (google.cloud.aiplatform.metadata.constants._EXPERIMENT_RUN_MAX_LENGTH).
EXPERIMENT_RUN_ID_MAX = 121


def experiment_run_name(experiment: str, *parts: str) -> str:
    """A Vertex AI experiment run name from the run's own ids: lowercase, [a-z0-9-], and short enough that
    `{experiment}-{name}` fits 121 characters. The last part (try and configuration) is always kept whole; when
    the rest is too long it is cut and a hash of every part added, so names stay distinct and the same on
    every parse and try."""
    *head, tail = [_run_name_part(part) for part in parts]
    limit = EXPERIMENT_RUN_ID_MAX - len(experiment) - 1
    name = "-".join([*head, tail])
    if len(name) <= limit:
        return name
    keep = limit - len(tail) - 12  # "-<10 hex>-"
    if keep < 8:
        raise InvalidResultError(
            f"experiment name {experiment!r} leaves {limit} characters for run names; "
            f"set GENOPS_EXPERIMENT_NAME to at most {EXPERIMENT_RUN_ID_MAX - 1 - 8 - 12 - len(tail)} characters"
        )
    return f"{'-'.join(head)[:keep].rstrip('-')}-{short_hash(*parts)}-{tail}"


def _run_name_part(part: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", part.lower()).strip("-")
    return re.sub(r"-{2,}", "-", name)
