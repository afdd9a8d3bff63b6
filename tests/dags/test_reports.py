"""The comparison report: NDJSON of schema-checked rows, its object path, and how the winner is picked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from genops.evaluation.reports import best_row, report_object, to_ndjson
from genops.evaluation.results import InvalidResultError, metrics_row
from tests.dags.fakes import REALISTIC_SUMMARY


def _row(config: str, **means) -> dict:
    summary = {**REALISTIC_SUMMARY, **{f"{metric}/mean": value for metric, value in means.items()}}
    when = datetime(2026, 8, 1, tzinfo=UTC)
    return metrics_row(summary, model_config=config, model="m", dag_id="d", run_id="r", evaluated_at=when)


def test_ndjson_is_one_json_row_per_line():
    rows = [_row("pro"), _row("flash")]
    lines = to_ndjson(rows).splitlines()
    assert [json.loads(line) for line in lines] == rows


@pytest.mark.parametrize("broken", [{"row_count": "8"}, {"bleu": "high"}, {"surprise": 1}, {"run_id": None}])
def test_ndjson_refuses_a_row_that_does_not_match_the_schema(broken):
    with pytest.raises(InvalidResultError, match="does not match model_evaluations.json"):
        to_ndjson([_row("pro"), {**_row("flash"), **broken}])


def test_ndjson_refuses_an_empty_report():
    with pytest.raises(InvalidResultError, match="no evaluation rows"):
        to_ndjson([])


def test_report_object_is_derived_from_the_run():
    assert report_object("reports/", "model_comparison", "manual__1") == (
        "reports/model_comparison/manual__1/model_evaluations.jsonl"
    )


def test_report_object_has_no_colon_or_plus_from_the_run_id():
    name = report_object("reports", "model_comparison", "manual__2026-08-01T12:00:00+00:00")
    assert name == "reports/model_comparison/manual__2026-08-01T12_00_00_00_00/model_evaluations.jsonl"
    assert report_object("reports", "d", "scheduled__x+1") != report_object("reports", "d", "scheduled__x:2")


def test_best_row_is_the_highest_score_first_in_table_order_on_a_tie():
    rows = [_row("pro", rouge_l_sum=0.3), _row("flash", rouge_l_sum=0.5), _row("random", rouge_l_sum=0.5)]
    assert best_row(rows, "rouge_l_sum")["model_config"] == "flash"


def test_best_verbosity_is_closest_to_zero_not_highest():
    rows = [_row("pro", verbosity=1.5), _row("flash", verbosity=-0.2), _row("random", verbosity=0.4)]
    assert best_row(rows, "verbosity")["model_config"] == "flash"


def test_best_row_fails_when_no_configuration_reports_the_metric():
    rows = [{**_row("pro"), "bleu": None}]
    with pytest.raises(InvalidResultError, match=r"\['pro'\] report no bleu"):
        best_row(rows, "bleu")


def test_best_row_never_skips_a_configuration_that_lacks_the_metric():
    """Finding 4: the unscored configuration might have been the best; the pick must fail, not ignore it."""
    rows = [_row("pro", bleu=0.1), {**_row("flash"), "bleu": None}]
    with pytest.raises(InvalidResultError, match=r"\['flash'\] report no bleu"):
        best_row(rows, "bleu")
