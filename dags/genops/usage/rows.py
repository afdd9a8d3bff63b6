"""A ledger row (dags/genops/schemas/gemini_usage.json) from a google-genai response and where the call ran."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from genops.core import paths
from genops.usage import prices

SCHEMA_FILE = paths.SCHEMAS_DIR / "gemini_usage.json"
COUNT_TOKENS = "count_tokens"
NOT_MAPPED = -1  # Airflow's map_index of a task that is not mapped


class UsageRowError(ValueError):
    """A row does not fit the ledger's schema (a bug in the caller, caught before anything is written)."""


def schema() -> list[dict]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def call_id(dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int, call_number: int) -> str:
    """Deterministic id of one call: the same task try's n-th call always gets the same id (the insert id)."""
    key = json.dumps([dag_id, run_id, task_id, map_index, try_number, call_number])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _count(value: Any) -> int:
    return int(value or 0)


def token_counts(response: Any, call_kind: str) -> dict[str, int | None]:
    """Token counts by class from a GenerateContentResponse (its GenerateContentResponseUsageMetadata) or,
    for count_tokens, a CountTokensResponse (nothing is generated or billed: spent tokens are 0)."""
    if call_kind == COUNT_TOKENS:
        return {
            "prompt_tokens": 0,
            "cached_tokens": 0,
            "output_tokens": 0,
            "thinking_tokens": 0,
            "tool_use_prompt_tokens": 0,
            "total_tokens": 0,
            "counted_tokens": _count(response.total_tokens),
        }
    usage = response.usage_metadata  # None on some blocked or empty responses: nothing reported, count 0
    counts = {
        "prompt_tokens": _count(getattr(usage, "prompt_token_count", None)),
        "cached_tokens": _count(getattr(usage, "cached_content_token_count", None)),
        "output_tokens": _count(getattr(usage, "candidates_token_count", None)),
        "thinking_tokens": _count(getattr(usage, "thoughts_token_count", None)),
        "tool_use_prompt_tokens": _count(getattr(usage, "tool_use_prompt_token_count", None)),
    }
    reported_total = getattr(usage, "total_token_count", None)
    counts["total_tokens"] = (
        _count(reported_total)
        if reported_total is not None
        else counts["prompt_tokens"]
        + counts["output_tokens"]
        + counts["thinking_tokens"]
        + counts["tool_use_prompt_tokens"]
    )
    counts["counted_tokens"] = None
    return counts


def usage_row(
    response: Any,
    *,
    call_kind: str,
    model: str,
    profile: str | None,
    dag_id: str,
    run_id: str,
    task_id: str,
    map_index: int | None,
    try_number: int,
    call_number: int,
    called_at: datetime,
    base_model: str | None = None,
) -> dict:
    """One ledger row, checked against the schema file; the cost is None when the model has no price.

    `base_model`: for a tuned endpoint, the model it was tuned from (None for a base model)."""
    counts = token_counts(response, call_kind)
    cost = prices.estimate(
        model,
        call_kind,
        prompt_tokens=counts["prompt_tokens"],
        cached_tokens=counts["cached_tokens"],
        output_tokens=counts["output_tokens"],
        thinking_tokens=counts["thinking_tokens"],
    )
    index = NOT_MAPPED if map_index is None else int(map_index)
    row = {
        "call_id": call_id(dag_id, run_id, task_id, index, try_number, call_number),
        "called_at": called_at.astimezone(UTC).isoformat(),
        "dag_id": dag_id,
        "run_id": run_id,
        "task_id": task_id,
        "map_index": index,
        "try_number": int(try_number),
        "call_number": int(call_number),
        "call_kind": call_kind,
        "model": model,
        "model_version": getattr(response, "model_version", None),
        "profile": profile,
        **counts,
        "estimated_cost_usd": cost,
        "price_table_date": prices.as_of(model) if cost is not None else None,
        "base_model": base_model,
    }
    check(row)
    return row


_PY_TYPES = {"STRING": str, "INTEGER": int, "FLOAT": (int, float), "TIMESTAMP": str, "DATE": str}


def check(row: dict) -> None:
    """Every schema column present with its type, REQUIRED ones not null, no column the schema lacks."""
    fields = {f["name"]: f for f in schema()}
    extra = set(row) - set(fields)
    if extra:
        raise UsageRowError(f"columns not in {SCHEMA_FILE.name}: {sorted(extra)}")
    for name, field in fields.items():
        value = row.get(name)
        if value is None:
            if field["mode"] == "REQUIRED":
                raise UsageRowError(f"{name} is REQUIRED in {SCHEMA_FILE.name} but missing")
            continue
        expected = _PY_TYPES[field["type"]]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise UsageRowError(f"{name}={value!r} is not a {field['type']}")
        if field["type"] == "INTEGER" and name.endswith("_tokens") and value < 0:
            raise UsageRowError(f"{name}={value} is negative")
