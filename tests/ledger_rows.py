"""A usage-ledger row for tests, built by the DAGs' own `genops.usage.rows.usage_row` (so it fits the schema file)."""

from __future__ import annotations

from datetime import datetime

from genops.usage.rows import usage_row


def ledger_row(call_id: str, tokens: int, cost_usd: float | None, called_at: datetime) -> dict:
    """One call of `tokens` prompt tokens at `called_at`, with `call_id` and an estimated cost of `cost_usd`."""
    from google.genai import types

    response = types.GenerateContentResponse(
        usage_metadata=types.GenerateContentResponseUsageMetadata(prompt_token_count=tokens, total_token_count=tokens)
    )
    row = usage_row(
        response, call_kind="generate_content", model="gemini-2.5-flash", profile=None, dag_id="earlier_dag",
        run_id="manual__earlier", task_id="earlier_task", map_index=None, try_number=1, call_number=1,
        called_at=called_at,
    )  # fmt: skip
    return {**row, "call_id": call_id, "estimated_cost_usd": cost_usd, "price_table_date": None}
