"""Record every Gemini call: one structured log line at once, and a ledger row written to BigQuery per task.

`record()` is the one call `genops.gemini.usage.record_usage` makes for each response. Rows wait in this
process, batched per task try, and are written when the task ends (task callbacks through
`genops.core.task_end`, or at process exit) or when `BATCH_SIZE` rows are waiting. A write is retried with
backoff; if it still fails, the rows are logged loudly (they are also in the GEMINI_USAGE lines) and the
task that spent the money is never failed by it. Insert ids are deterministic (`rows.call_id`), so a retried
write, or a write retried after a lost response, adds no duplicate.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from genops.core import task_end
from genops.usage import bigquery
from genops.usage.rows import usage_row

log = logging.getLogger(__name__)

LOG_MARKER = "GEMINI_USAGE"  # terraform/modules/monitoring/catalogue.json log_markers.gemini_usage
BATCH_SIZE = 50
ATTEMPTS = 5
BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)  # between the ATTEMPTS tries


def usage_log_line(row: dict) -> str:
    """`GEMINI_USAGE {json}`: the line Cloud Logging's log-based metrics read (keys sorted, ", " and ": ")."""
    return f"{LOG_MARKER} {json.dumps(row, sort_keys=True)}"


def _transient(error: Exception) -> bool:
    """Worth retrying: rate limits, server errors, timeouts and dropped connections."""
    from google.api_core import exceptions

    return isinstance(
        error,
        exceptions.TooManyRequests
        | exceptions.InternalServerError
        | exceptions.BadGateway
        | exceptions.ServiceUnavailable
        | exceptions.GatewayTimeout
        | ConnectionError
        | TimeoutError,
    )


@dataclass
class Ledger:
    """Rows waiting to be written, and how many calls each task try has made so far in this process."""

    write: Callable[[str, list[dict]], None] = bigquery.insert_rows
    table: Callable[[], str] = bigquery.table_fqn
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    pending: list[dict] = field(default_factory=list)
    calls: dict[tuple, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self,
        response: Any,
        *,
        call_kind: str,
        model: str,
        profile: str | None,
        context: Any,
        base_model: str | None = None,
    ) -> dict | None:
        """Log and queue the ledger row of one call; returns the row (None outside a task: logged only).

        `context` has the attributes dag_id, run_id, task_id, map_index and try_number (the task instance);
        `base_model` is a tuned endpoint's base model.
        """
        where = {k: getattr(context, k, None) for k in ("dag_id", "run_id", "task_id", "map_index", "try_number")}
        if not all(where[k] for k in ("dag_id", "run_id", "task_id")) or where["try_number"] is None:
            log.warning("Gemini %s with %s outside a task: not recorded in the usage ledger", call_kind, model)
            return None
        with self.lock:
            key = tuple(where.values())
            self.calls[key] = self.calls.get(key, 0) + 1
            row = usage_row(
                response,
                call_kind=call_kind,
                model=model,
                profile=profile,
                call_number=self.calls[key],
                called_at=self.now(),
                base_model=base_model,
                **where,
            )
            self.pending.append(row)
            full = len(self.pending) >= BATCH_SIZE
        log.info("%s", usage_log_line(row))
        if full:
            self.flush()
        return row

    def flush(self) -> int:
        """Write every waiting row; returns how many were written. Never raises: a failure is logged loudly."""
        with self.lock:
            rows, self.pending = self.pending, []
        if not rows:
            return 0
        try:
            table = self.table()
        except Exception as err:  # a missing or bad setting: nowhere to write
            self._lost(rows, "(not configured)", err)
            return 0
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self.write(table, rows)
            except Exception as err:
                if attempt == ATTEMPTS or not _transient(err):
                    self._lost(rows, table, err)
                    return 0
                delay = BACKOFF_SECONDS[attempt - 1]
                log.warning("Usage ledger write to %s failed (%s); retry %d in %.0f s", table, err, attempt, delay)
                self.sleep(delay)
            else:
                log.info("Usage ledger: %d Gemini call(s) written to %s", len(rows), table)
                return len(rows)
        return 0  # not reached: the loop returns on success or on the last attempt

    @staticmethod
    def _lost(rows: list[dict], table: str, error: Exception) -> None:
        log.error(
            "USAGE LEDGER WRITE FAILED: %d Gemini call(s) were spent but NOT written to %s: %s. The task itself "
            "is unaffected. The rows follow (each also in its GEMINI_USAGE line); insert them later with their "
            "call_id as insert id to avoid duplicates:\n%s",
            len(rows),
            table,
            error,
            "\n".join(json.dumps(row, sort_keys=True) for row in rows),
        )


LEDGER = Ledger()


def record(
    response: Any, *, call_kind: str, model: str, profile: str | None, context: Any, base_model: str | None = None
) -> dict | None:
    """Record one Gemini call in the process's ledger (see `Ledger.record`)."""
    return LEDGER.record(
        response, call_kind=call_kind, model=model, profile=profile, context=context, base_model=base_model
    )


def flush(context: Any = None) -> int:
    """Write the waiting rows (a task callback: `context` is ignored)."""
    return LEDGER.flush()


# Batched per task: written when the task ends (callbacks of every genops DAG) and, as a last resort, when
# the task's process exits (Airflow 3 runs atexit handlers registered in the task process).
task_end.on_task_end(flush)
atexit.register(flush)
