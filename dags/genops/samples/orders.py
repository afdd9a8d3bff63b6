"""enhanced_logging's ordinary work: check a partner's order feed (CSV) before anything uses it."""

from __future__ import annotations

import csv
import io

COLUMNS = ("order_id", "partner", "amount_usd", "ordered_at")


class OrderFeedError(ValueError):
    """The feed cannot be used; the message names the file, the line and the fix."""


def check_orders(text: str, *, source: str) -> dict:
    """Summary of a valid feed ({"orders", "total_usd"}); OrderFeedError at the first bad line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise OrderFeedError(f"{source}: missing column(s) {missing}; the header must be {','.join(COLUMNS)}.")
    orders, total = 0, 0.0
    for line, row in enumerate(reader, start=2):
        if not (row["order_id"] or "").strip():
            raise OrderFeedError(f"{source} line {line}: order_id is empty; every order needs its id.")
        try:
            total += float(row["amount_usd"])
        except (TypeError, ValueError):
            raise OrderFeedError(
                f"{source} line {line}: amount_usd {row['amount_usd']!r} is not a number; ask the partner to "
                "resend the feed with amounts in US dollars (e.g. 42.50)."
            ) from None
        orders += 1
    if not orders:
        raise OrderFeedError(f"{source} has a header but no orders.")
    return {"orders": orders, "total_usd": round(total, 2)}
