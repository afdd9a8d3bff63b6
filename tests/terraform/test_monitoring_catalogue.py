"""Every metric type and log filter the monitoring module uses is one Google documents, kept in catalogue.json.

main.tf and the dashboard template may not spell a metric type, a log name or a log marker themselves: they
read catalogue.json, where each entry names the Google documentation page it comes from. The log markers
(lines the DAG code prints) must match what that code prints.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.terraform.hcl_tree import REPO, TERRAFORM

MODULE = TERRAFORM / "modules" / "monitoring"
CATALOGUE = json.loads((MODULE / "catalogue.json").read_text())
SOURCES = [*sorted(MODULE.glob("*.tf")), MODULE / "dashboard.json.tftpl"]
METRIC_TYPE = re.compile(r"[a-z]+\.googleapis\.com/[A-Za-z0-9_/]+")
GOOGLE_DOCS = ("https://cloud.google.com/",)


def _source_text() -> str:
    return "\n".join(path.read_text() for path in SOURCES)


def test_sources_spell_no_metric_type_log_name_or_marker():
    text = _source_text()
    assert not METRIC_TYPE.findall(text), "metric types belong in catalogue.json, not main.tf or the dashboard"
    assert "logName" not in text and "/logs/" not in text, "log filters belong in catalogue.json (log_filters)"
    for marker in CATALOGUE["log_markers"].values():
        assert marker["match"] not in text, f"the marker {marker['match']!r} belongs in catalogue.json only"


# The local each catalogue section is read into in main.tf.
LOCALS = {"metrics": "metric", "log_filters": "log_filter", "log_markers": "marker"}


@pytest.mark.parametrize("section", sorted(LOCALS))
def test_every_catalogue_entry_is_used(section):
    text = _source_text()
    for key in CATALOGUE[section]:
        used = re.search(rf"\blocal\.{LOCALS[section]}\.{key}\b", text) or (
            section == "metrics" and f'"{key}"' in text  # listed in local.composer_env_filter
        )
        assert used, f"catalogue.json {section}.{key} is not used: remove it or use it"


@pytest.mark.parametrize("key", sorted(CATALOGUE["metrics"]))
def test_each_metric_cites_a_google_page(key):
    entry = CATALOGUE["metrics"][key]
    assert METRIC_TYPE.fullmatch(entry["type"]) or entry["type"] == "logging.googleapis.com/user/"
    assert entry["doc"].startswith(GOOGLE_DOCS), f"{key}: cite the Google documentation page"
    assert entry["resource_type"] in {"cloud_composer_environment", "cloud_composer_workflow"}


@pytest.mark.parametrize("key", sorted(CATALOGUE["log_filters"]))
def test_each_log_filter_cites_a_google_page(key):
    entry = CATALOGUE["log_filters"][key]
    assert entry["doc"].startswith(GOOGLE_DOCS), f"{key}: cite the Google documentation page"
    assert "logName=" in entry["filter"] and "resource.type=" in entry["filter"]


def _logging_regex(match: str) -> re.Pattern:
    """The regular expression of a `textPayload=~"..."` marker, as Cloud Logging reads the quoted string."""
    (quoted,) = re.fullmatch(r'textPayload=~"(.*)"', match).groups()
    return re.compile(quoted.encode().decode("unicode_escape"))


def test_tuning_marker_matches_the_tuning_sensors_failure_message():
    marker = _logging_regex(CATALOGUE["log_markers"]["tuning_job_ended_badly"]["match"])
    messages = [
        line
        for path in sorted((REPO / "dags" / "genops").rglob("*.py"))
        for line in path.read_text().splitlines()
        if "Tuning job {" in line and "({state})" in line
    ]
    assert messages, "the tuning sensor's failure message ('Tuning job {name} <verb> ({state}): ...') was not found"
    for state in ("JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED", "JOB_STATE_PARTIALLY_SUCCEEDED"):
        rendered = f"Tuning job projects/p/locations/us-central1/tuningJobs/42 failed ({state}): quota exceeded"
        assert marker.search(rendered), f"the tuning alert would miss a job that ended {state}"
    assert not marker.search("Tuning job projects/p/locations/us-central1/tuningJobs/4 succeeded (JOB_STATE_SUCCEEDED)")


def test_model_lifecycle_marker_and_extractors_match_the_line_the_dags_log():
    """The alert policy's filter and label extractors read the line ModelStanding.log_line writes."""
    import sys

    sys.path.insert(0, str(REPO / "dags"))
    from datetime import timedelta

    from genops.models.lifecycle import standing
    from genops.models.table import table

    facts = next(f for f in table().models.values() if f.retires and f.retires > table().read_on)
    line = standing("GENOPS_FLASH_MODEL", facts.model, facts.retires - timedelta(days=10)).log_line()
    (quoted,) = re.fullmatch(
        r'textPayload:"(.*)"', CATALOGUE["log_markers"]["model_lifecycle_warning"]["match"]
    ).groups()
    assert quoted in line, "the alert's filter (a substring match) must match the marker line"
    policy = (MODULE / "alert_model_lifecycle.tf").read_text()
    assert "local.marker.model_lifecycle_warning" in policy
    extractors = dict(re.findall(r'(\w+)\s*=\s*"REGEXP_EXTRACT\(textPayload, \\"(.*?)\\"\)"', policy))
    assert set(extractors) == {"status", "setting", "model", "retires"}
    expected = {"status": "retiring", "setting": "GENOPS_FLASH_MODEL", "model": facts.model}
    expected["retires"] = facts.retires.isoformat()
    for label, quoted_regex in extractors.items():
        regex = quoted_regex.encode().decode("unicode_escape").encode().decode("unicode_escape")
        assert re.search(regex, line).group(1) == expected[label], label


def test_build_failure_marker_matches_cloud_builds_error_lines():
    marker = _logging_regex(CATALOGUE["log_markers"]["build_failed"]["match"])
    assert marker.search('ERROR: build step 6 "gcr.io/google.com/cloudsdktool/cloud-sdk" failed: step exited with 1')
    assert not marker.search('Step #6 - "deploy-dags": no ERROR here')
