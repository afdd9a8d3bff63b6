"""Gate decisions and evaluation rows, as plain logic."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest

from genops.evaluation.results import InvalidResultError, experiment_run_name, metrics_row, schema, validate_row
from genops.gates.decisions import budget_decision, threshold_decision
from tests.dags.fakes import REALISTIC_SUMMARY

WHEN = datetime(2026, 8, 1, 12, 30, tzinfo=UTC)


def _row(summary=REALISTIC_SUMMARY, **overrides):
    kwargs = {"model_config": "flash", "model": "gemini-3.8-flash", "dag_id": "d", "run_id": "r", "evaluated_at": WHEN}
    return metrics_row(summary, **{**kwargs, **overrides})


@pytest.mark.parametrize(("tokens", "passed"), [(99, True), (100, True), (101, False), (None, False)])
def test_budget_decision(tokens, passed):
    assert budget_decision(tokens, 100).passed is passed


def test_threshold_decision_records_each_miss_and_its_shortfall():
    decision = threshold_decision(
        {"rouge_l_sum": 0.15, "groundedness": 0.9}, {"rouge_l_sum": 0.2, "groundedness": 0.7, "bleu": 0.1}
    )
    assert not decision.passed
    misses = {m.metric: m for m in decision.misses}
    assert set(misses) == {"rouge_l_sum", "bleu"}
    assert math.isclose(misses["rouge_l_sum"].shortfall, 0.05)
    assert misses["bleu"].value is None and "bleu not reported" in decision.reason
    assert threshold_decision({"rouge_l_sum": 0.2}, {"rouge_l_sum": 0.2}).passed


def test_metrics_row_matches_schema_and_partition_date():
    row = _row()
    assert set(row) == {f["name"] for f in schema()}
    assert row["evaluation_date"] == "2026-08-01" and row["row_count"] == 8


@pytest.mark.parametrize(
    "summary",
    [
        {"row_count": 8},  # no metrics at all
        {"row_count": 0, "bleu/mean": 0.2},
        {"row_count": 8, "bleu/mean": float("nan")},
        {"row_count": 8, "summarization_quality/mean": 9.0},
        {"row_count": "8", "bleu/mean": 0.2},
    ],
)
def test_malformed_summary_is_rejected(summary):
    with pytest.raises(InvalidResultError):
        _row(summary)


def test_validate_row_lists_every_problem():
    row = {**_row(), "row_count": "eight", "extra": 1}
    del row["model"]
    with pytest.raises(InvalidResultError) as err:
        validate_row(row)
    message = str(err.value)
    assert "model is required" in message and "row_count='eight' must be an integer" in message and "'extra'" in message


def test_experiment_run_name_is_a_valid_vertex_id():
    name = experiment_run_name("genops-eval", "run_evaluation", "manual__2026-08-01T12:30:00+00:00", "t1", "flash")
    assert name == "run-evaluation-manual-2026-08-01t12-30-00-00-00-t1-flash"


@pytest.mark.parametrize("experiment", ["genops-eval", "e" * 60])
def test_experiment_run_name_fits_the_sdks_121_characters_deterministically(experiment):
    from google.cloud.aiplatform.metadata.experiment_run_resource import ExperimentRun

    long_run = "scheduled__2026-08-01T00:00:00.123456+00:00_" + "backfill" * 12
    names = {experiment_run_name(experiment, "model_comparison", long_run + str(n), "t1-balanced") for n in (1, 2)}
    assert len(names) == 2, "cut names of different runs stay distinct"
    for name in names:
        ExperimentRun._validate_run_id(f"{experiment}-{name}")  # the SDK's own check
        assert len(f"{experiment}-{name}") <= 121 and name.endswith("-t1-balanced")
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name)
    assert experiment_run_name(experiment, "model_comparison", long_run + "1", "t1-balanced") in names


def test_an_experiment_name_too_long_for_any_run_name_is_refused():
    with pytest.raises(InvalidResultError, match="GENOPS_EXPERIMENT_NAME"):
        experiment_run_name("e" * 110, "d", "r", "t1-balanced")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"bleu/mean": "NaN"}, "bleu/mean='NaN' is not a finite number"),  # how the SDK logs a NaN mean
        ({"bleu/mean": None}, "bleu is missing"),
        ({"groundedness/mean": float("inf")}, "groundedness/mean=inf is not a finite number"),
    ],
)
def test_a_nan_or_missing_metric_is_never_stored_as_empty(change, says):
    summary = {key: value for key, value in {**REALISTIC_SUMMARY, **change}.items() if value is not None}
    with pytest.raises(InvalidResultError, match=re.escape(says)):
        _row(summary)
