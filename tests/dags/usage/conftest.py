"""The usage ledger's tests (the stand-in itself is the autouse `bigquery_standin` of tests/dags/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.insert(
            "earlier-run",
            {
                "call_id": "earlier-run",
                "called_at": datetime.now(UTC).isoformat(),
                "dag_id": "earlier_dag",
                "run_id": "manual__earlier",
                "task_id": "earlier_task",
                "map_index": -1,
                "try_number": 1,
                "call_number": 1,
                "call_kind": "generate_content",
                "model": "gemini-2.5-flash",
                "prompt_tokens": tokens,
                "cached_tokens": 0,
                "output_tokens": 0,
                "thinking_tokens": 0,
                "tool_use_prompt_tokens": 0,
                "total_tokens": tokens,
                "estimated_cost_usd": cost_usd,
            },
        )

    return spend


@pytest.fixture(autouse=True)
def settings(genops_env):
    """The GENOPS_ values Terraform would set (the ledger's table is named from them)."""
    return genops_env
