"""The ledger's writes and reads through the real google-cloud-bigquery client against the local stand-in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from google.genai import types

from genops.usage import ledger, spend

CALLS = [(1000, 200, 50), (400, 100, 0), (30, 5, 0)]  # prompt, output, thinking tokens per call


@dataclass
class Where:
    dag_id: str = "generate_content"
    run_id: str = "manual__2026-11-30"
    task_id: str = "flash"
    map_index: int = -1
    try_number: int = 1


def response(prompt: int, output: int, thinking: int) -> types.GenerateContentResponse:
    return types.GenerateContentResponse(
        usage_metadata=types.GenerateContentResponseUsageMetadata(
            prompt_token_count=prompt,
            candidates_token_count=output,
            thoughts_token_count=thinking,
            total_token_count=prompt + output + thinking,
        )
    )


def record_calls(where=None) -> list[dict]:
    return [
        ledger.record(
            response(*c),
            call_kind="generate_content",
            model="gemini-2.5-flash",
            profile="flash",
            context=where or Where(),
        )
        for c in CALLS
    ]


def test_one_row_per_call_written_in_one_batch(bigquery_standin):
    rows = record_calls()
    assert bigquery_standin.rows == {}, "rows wait for the end of the task"
    assert ledger.flush() == 3
    inserts = [body for path, body in bigquery_standin.requests if path.endswith("/insertAll")]
    assert len(inserts) == 1, "one write per task, not one per call"
    stored = list(bigquery_standin.rows.values())
    assert [(r["prompt_tokens"], r["output_tokens"], r["thinking_tokens"], r["total_tokens"]) for r in stored] == [
        (p, o, t, p + o + t) for p, o, t in CALLS
    ]
    assert [r["call_number"] for r in stored] == [1, 2, 3]
    assert list(bigquery_standin.rows) == [r["call_id"] for r in rows], "each row's insert id is its call_id"


def test_a_retried_write_after_a_lost_response_adds_no_duplicate(bigquery_standin, caplog):
    record_calls()
    bigquery_standin.fail_next("insertAll", 503, after_write=True)  # stored, but the answer never arrives
    bigquery_standin.fail_next("insertAll", 429)
    assert ledger.flush() == 3
    assert len([p for p, _ in bigquery_standin.requests if p.endswith("/insertAll")]) == 3
    assert len(bigquery_standin.rows) == 3


def test_a_failed_write_is_logged_loudly_and_never_raised(bigquery_standin, caplog):
    record_calls()
    bigquery_standin.fail_next("insertAll", 503, times=ledger.ATTEMPTS)
    with caplog.at_level(logging.ERROR, logger="genops.usage.ledger"):
        assert ledger.flush() == 0
    assert bigquery_standin.rows == {}
    assert len([p for p, _ in bigquery_standin.requests if p.endswith("/insertAll")]) == ledger.ATTEMPTS
    (failure,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "USAGE LEDGER WRITE FAILED: 3 Gemini call(s)" in failure.getMessage()
    assert failure.getMessage().count('"call_id"') == 3, "the lost rows are in the log, to re-insert later"


def test_a_rejected_row_is_not_retried(bigquery_standin, caplog):
    record_calls()
    bigquery_standin.table.schema.append({"name": "surprise", "type": "STRING", "mode": "REQUIRED"})  # schema drift
    with caplog.at_level(logging.ERROR, logger="genops.usage.ledger"):
        assert ledger.flush() == 0
    assert len([p for p, _ in bigquery_standin.requests if p.endswith("/insertAll")]) == 1
    assert "Missing required field: surprise" in caplog.text  # BigQuery's own wording


def test_every_call_logs_the_line_the_log_based_metrics_read(bigquery_standin, caplog):
    import json
    import re

    with caplog.at_level(logging.INFO, logger="genops.usage.ledger"):
        record_calls()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(ledger.LOG_MARKER + " ")]
    assert len(lines) == 3
    # The extractors of terraform/modules/monitoring (REGEXP_EXTRACT on textPayload) read these fields.
    assert [int(re.search(r'"total_tokens": ([0-9]+)', line).group(1)) for line in lines] == [sum(c) for c in CALLS]
    assert all(re.search(r'"model": "([^"]+)"', line).group(1) == "gemini-2.5-flash" for line in lines)
    assert all(json.loads(line.split(" ", 1)[1])["dag_id"] == "generate_content" for line in lines)


def test_calls_outside_a_task_are_logged_but_not_queued(bigquery_standin):
    assert (
        ledger.record(response(1, 1, 0), call_kind="generate_content", model="m", profile=None, context=object())
        is None
    )
    assert ledger.flush() == 0 and bigquery_standin.requests == []


def test_todays_total_is_read_with_a_date_parameter(bigquery_standin):
    record_calls()
    ledger.flush()
    today = spend.today()
    assert today.total_tokens == sum(sum(c) for c in CALLS) and today.calls == 3 and today.unpriced_calls == 0
    assert today.cost_usd == pytest.approx(sum((p * 0.30 + (o + t) * 2.5) / 1e6 for p, o, t in CALLS))
    assert spend.today(datetime(2020, 1, 1, tzinfo=UTC)).total_tokens == 0, "another day's calls do not count"
