"""The canary alert policy pages on exactly the line canary_evaluation logs for a regression.

The marker the policy's filter matches (catalogue.json log_markers.canary_regression) and its label extractors are
applied, as Cloud Logging reads them, to lines genops.gates.regression renders from a real regression decision.
"""

from __future__ import annotations

import json
import re

from genops.gates.regression import LOG_MARKER, marker_lines, regression_decision
from tests.terraform.hcl_tree import TERRAFORM, blocks

MODULE = TERRAFORM / "modules" / "monitoring"
CATALOGUE = json.loads((MODULE / "catalogue.json").read_text())


def _policy() -> dict:
    (policy,) = [
        b for b in blocks("resource", MODULE) if b.labels == ("google_monitoring_alert_policy", "canary_regression")
    ]
    assert policy.path.name == "alert_canary.tf"
    return policy.body


def _substring_of(match: str) -> str:
    """The text a `textPayload:"..."` (has-substring) marker looks for."""
    (quoted,) = re.fullmatch(r'textPayload:"(.*)"', match).groups()
    return quoted.encode().decode("unicode_escape")


def _extractor_regex(extractor: str) -> re.Pattern:
    """The regular expression of a `REGEXP_EXTRACT(textPayload, "...")` label extractor."""
    (quoted,) = re.fullmatch(r'REGEXP_EXTRACT\(textPayload, "(.*)"\)', extractor).groups()
    return re.compile(quoted.encode().decode("unicode_escape"))


def _regression_lines() -> list[str]:
    decision = regression_decision(
        {"summarization_quality": 3.1, "rouge_l_sum": 0.31},
        {"summarization_quality": 3.9, "rouge_l_sum": 0.3},
        0.05,
        model="projects/p/locations/us-central1/endpoints/123",
    )
    return marker_lines(decision, dag_id="canary_evaluation", run_id="scheduled__2026-12-07T06:00:00+00:00")


def test_the_policy_filters_on_the_canary_marker_and_the_marker_matches_the_dags_line():
    (condition,) = _policy()["conditions"]
    log_condition = condition["condition_matched_log"][0] if isinstance(condition["condition_matched_log"], list) \
        else condition["condition_matched_log"]  # fmt: skip
    assert "${local.marker.canary_regression}" in log_condition["filter"]
    assert "${local.log_filter.airflow_task_logs}" in log_condition["filter"]
    wanted = _substring_of(CATALOGUE["log_markers"]["canary_regression"]["match"])
    (line,) = _regression_lines()
    assert line.startswith(LOG_MARKER) and wanted in line
    assert wanted not in "canary_regression gate passed: every metric within 0.05 of its range"


def test_the_label_extractors_name_the_metric_and_the_model():
    (condition,) = _policy()["conditions"]
    log_condition = condition["condition_matched_log"][0] if isinstance(condition["condition_matched_log"], list) \
        else condition["condition_matched_log"]  # fmt: skip
    extractors = log_condition["label_extractors"]
    (line,) = _regression_lines()
    assert _extractor_regex(extractors["metric"]).search(line).group(1) == "summarization_quality"
    assert (
        _extractor_regex(extractors["model"]).search(line).group(1) == "projects/p/locations/us-central1/endpoints/123"
    )
