"""Today's Gemini spend, read from the usage ledger (for the daily spend gate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from genops.usage import bigquery


@dataclass(frozen=True)
class DailySpend:
    day: date
    total_tokens: int
    cost_usd: float | None  # None: no call of the day was priced
    unpriced_calls: int  # calls of models the price table lacks: their cost is unknown, not zero
    calls: int


def today(now: datetime | None = None) -> DailySpend:
    """The ledger's totals for the current UTC day."""
    day = (now or datetime.now(UTC)).astimezone(UTC).date()
    return DailySpend(day=day, **bigquery.daily_total(bigquery.table_fqn(), day))
