"""The usage ledger's tests (the stand-in itself is the autouse `bigquery_standin` of tests/dags/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.rows["earlier-run"] = {
            "call_id": "earlier-run",
            "called_at": datetime.now(UTC).isoformat(),
            "total_tokens": tokens,
            "estimated_cost_usd": cost_usd,
        }

    return spend


@pytest.fixture(autouse=True)
def settings(genops_env):
    """The GENOPS_ values Terraform would set (the ledger's table is named from them)."""
    return genops_env
