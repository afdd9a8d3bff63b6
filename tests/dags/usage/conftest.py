"""The usage ledger's tests (the stand-in itself is the autouse `bigquery_standin` of tests/dags/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.ledger_rows import ledger_row


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.insert("earlier-run", ledger_row("earlier-run", tokens, cost_usd, datetime.now(UTC)))

    return spend


@pytest.fixture(autouse=True)
def settings(genops_env):
    """The GENOPS_ values Terraform would set (the ledger's table is named from them)."""
    return genops_env
