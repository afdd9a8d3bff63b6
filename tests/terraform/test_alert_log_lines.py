"""Each log-based alert policy and log metric reads the log line the code really writes.

For every block of terraform/modules/monitoring with a `filter` and label or value extractors (the log-match
conditions of the alert policies, the ledger's log-based metrics), the log lines are produced by the code
that writes them (the tuning sensor's failure for a job in each end state without a model, the usage ledger's
line for a real google-genai response), and then, as Cloud Logging would:
- the filter's log marker (catalogue.json) matches each line;
- each `REGEXP_EXTRACT(textPayload, ...)` extractor captures the value the code wrote (the job name, its
  state, the model, the DAG, the token count, the cost), not an empty label;
- the notification text uses only the labels the policy extracts.
A marker with no producer here fails the test: add the code's line for it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.terraform.hcl_tree import TERRAFORM, blocks, locals_of

MODULE = TERRAFORM / "modules" / "monitoring"
CATALOGUE = json.loads((MODULE / "catalogue.json").read_text())
EXTRACT = re.compile(r'^REGEXP_EXTRACT\((\w+), "((?:[^"\\]|\\.)*)"\)$')


def logging_string(literal: str) -> str:
    """A Logging query language string literal's value: \\\\ and \\" unescaped."""
    return re.sub(r'\\(["\\])', r"\1", literal)


def marker_matches(marker: str, line: str) -> bool:
    """Cloud Logging's `textPayload:"..."` (has, case-insensitive) or `textPayload=~"..."` (RE2 search)."""
    if match := re.fullmatch(r'textPayload:"((?:[^"\\]|\\.)*)"', marker):
        return logging_string(match.group(1)).lower() in line.lower()
    if match := re.fullmatch(r'textPayload=~"((?:[^"\\]|\\.)*)"', marker):
        return re.search(logging_string(match.group(1)), line) is not None
    raise AssertionError(f"marker {marker!r}: only textPayload: and textPayload=~ markers are understood here")


def extract(extractor: str, line: str) -> str | None:
    """REGEXP_EXTRACT(textPayload, "re"): the first capture group of the first match, None when none."""
    match = EXTRACT.fullmatch(extractor)
    assert match, f'{extractor!r} is not REGEXP_EXTRACT(<field>, "<regex>")'
    field, literal = match.groups()
    assert field == "textPayload", extractor
    pattern = re.compile(logging_string(literal))
    assert pattern.groups == 1, f"{extractor!r}: Cloud Logging needs exactly one capture group"
    found = pattern.search(line)
    return found.group(1) if found else None


# --- The lines the code writes ------------------------------------------------------------------------------


def tuning_failure_lines() -> list[tuple[str, dict[str, str]]]:
    """The tuning sensor's failure for a real google-genai TuningJob in every end state without a model."""
    from google.genai import types

    from genops.tuning.jobs import ENDED_WITHOUT_MODEL, TuningJobEnded, tuned_model

    lines = []
    for state in ENDED_WITHOUT_MODEL:
        name = "projects/acme-genops-dev/locations/us-central1/tuningJobs/4711"
        job = types.TuningJob(name=name, state=state, error=types.GoogleRpcStatus(message="Quota exceeded."))
        with pytest.raises(TuningJobEnded) as ended:
            tuned_model(job)
        # The sensor raises AirflowFailException(str(err)); Airflow logs the exception's class and message.
        lines.append((f"airflow.exceptions.AirflowFailException: {ended.value}", {"tuning_job": name, "state": state}))
    return lines


def usage_lines() -> list[tuple[str, dict[str, str]]]:
    """The usage ledger's line for a real GenerateContentResponse of a default model the table prices."""
    from google.genai import types

    from genops.core.config import SETTINGS
    from genops.usage import prices
    from genops.usage.ledger import usage_log_line
    from genops.usage.rows import usage_row

    defaults = [SETTINGS[name].default for name in ("GENOPS_FLASH_MODEL", "GENOPS_PRO_MODEL")]
    model = next((m for m in defaults if prices.table().tiers_for(m)), defaults[0])
    response = types.GenerateContentResponse(
        model_version=model,
        usage_metadata=types.GenerateContentResponseUsageMetadata(
            prompt_token_count=1200, candidates_token_count=300, thoughts_token_count=40, total_token_count=1540
        ),
    )
    row = usage_row(
        response,
        call_kind="generate_content",
        model=model,
        profile="flash",
        dag_id="generate_content",
        run_id="manual__2026-12-07T00:00:00+00:00",
        task_id="generate",
        map_index=None,
        try_number=1,
        call_number=1,
        called_at=datetime(2026, 12, 7, tzinfo=UTC),
    )
    assert row["estimated_cost_usd"] is not None, f"{model} has no price: the cost metric would read nothing"
    expected = {
        "model": model,
        "dag_id": "generate_content",
        "value_extractor[tokens]": "1540",
        "value_extractor[cost_usd]": json.dumps(row["estimated_cost_usd"]),
    }
    return [(usage_log_line(row), expected)]


def build_failure_lines() -> list[tuple[str, dict[str, str]]]:
    """Cloud Build's own line when a step fails (its build id is a resource label, not text)."""
    return [('ERROR: build step 6 "gcr.io/google.com/cloudsdktool/google-cloud-cli" failed: step exited with 1', {})]


def canary_regression_lines() -> list[tuple[str, dict[str, str]]]:
    """The canary's regression line for a decision with one metric below its baseline beyond the tolerance."""
    from genops.gates.regression import marker_lines, regression_decision

    model = "projects/acme-genops-dev/locations/us-central1/endpoints/123"
    decision = regression_decision(
        {"summarization_quality": 3.1, "rouge_l_sum": 0.31},
        {"summarization_quality": 3.9, "rouge_l_sum": 0.3},
        0.05,
        model=model,
    )
    lines = marker_lines(decision, dag_id="canary_evaluation", run_id="scheduled__2026-12-07T06:00:00+00:00")
    return [(line, {"metric": "summarization_quality", "model": model}) for line in lines]


def model_lifecycle_lines() -> list[tuple[str, dict[str, str]]]:
    """The model_lifecycle check's line for a model of the table ten days before it retires, and after."""
    from datetime import timedelta

    from genops.models.lifecycle import standing
    from genops.models.table import table

    facts = next(f for f in table().models.values() if f.retires and f.retires > table().read_on)
    lines = []
    for days, status in ((10, "retiring"), (-1, "retired")):
        line = standing("GENOPS_FLASH_MODEL", facts.model, facts.retires - timedelta(days=days)).log_line()
        expected = {"status": status, "setting": "GENOPS_FLASH_MODEL", "model": facts.model}
        lines.append((line, {**expected, "retires": facts.retires.isoformat()}))
    return lines


PRODUCERS = {
    "tuning_job_ended_badly": tuning_failure_lines,
    "gemini_usage": usage_lines,
    "build_failed": build_failure_lines,
    "canary_regression": canary_regression_lines,
    "model_lifecycle_warning": model_lifecycle_lines,
}


# --- Reading the module -----------------------------------------------------------------------------------


def _resolve(text: str, local_values: dict[str, Any], each: tuple[str, Any] | None) -> str:
    """Substitute ${local.<name>} (string locals) and ${each.key} / ${each.value.<field>} until none is left."""
    for _ in range(10):
        before = text
        text = re.sub(
            r"\$\{local\.(\w+)\}",
            lambda m: local_values[m.group(1)] if isinstance(local_values.get(m.group(1)), str) else m.group(0),
            text,
        )
        if each is not None:
            key, fields = each
            text = text.replace("${each.key}", key)
            text = re.sub(r"\$\{each\.value\.(\w+)\}", lambda m, fields=fields: str(fields[m.group(1)]), text)
        if text == before:
            return text
    raise AssertionError(f"cannot resolve {text!r}")


def _log_matches(value: Any) -> list[dict[str, Any]]:
    """Every dict under value holding a filter and extractors (a condition_matched_log, a log metric)."""
    if isinstance(value, list):
        return [found for item in value for found in _log_matches(item)]
    if not isinstance(value, dict):
        return []
    here = [value] if "filter" in value and ("label_extractors" in value or "value_extractor" in value) else []
    return here + [found for inner in value.values() for found in _log_matches(inner)]


def _instances(body: dict[str, Any], local_values: dict[str, Any]) -> list[tuple[str, Any] | None]:
    for_each = body.get("for_each")
    if for_each is None:
        return [None]
    if isinstance(for_each, str):
        reference = re.fullmatch(r"\$\{local\.(\w+)\}", for_each)
        if not reference or not isinstance(local_values.get(reference.group(1)), dict):
            return [None]  # an expression (toset(var...)): an unexpanded ${each...} then fails the check
        for_each = local_values[reference.group(1)]
    return list(for_each.items())


def log_matched_blocks() -> list[pytest.param]:
    local_values = locals_of(MODULE)
    cases = []
    for block in blocks("resource", MODULE):
        body_matches = _log_matches(block.body)
        for each in _instances(block.body, local_values) if body_matches else []:
            # A dynamic block (condition_matched_log.value.filter) reads its instance's entry of the local map:
            # the entry holds the literal filter and extractors, and its subject and content are the notification.
            entry = each[1] if each is not None and isinstance(each[1], dict) else {}
            matches, documentation = _log_matches(entry), {k: entry[k] for k in ("subject", "content") if k in entry}
            if not matches:
                matches = [m for m in body_matches if not re.search(r"\$\{(?!each\.)\w+\.value\.", m["filter"])]
                documentation = block.body.get("documentation", [])
            for match in matches:
                name = " ".join(block.labels) + (f"[{each[0]}]" if each else "")
                resolved = {
                    "filter": _resolve(match["filter"], local_values, each),
                    "label_extractors": {
                        k: _resolve(v, local_values, each) for k, v in (match.get("label_extractors") or {}).items()
                    },
                    "value_extractor": _resolve(match["value_extractor"], local_values, each)
                    if "value_extractor" in match
                    else None,
                    "documentation": json.dumps(documentation),
                    "instance": each[0] if each else None,
                }
                cases.append(pytest.param(resolved, id=name))
    return cases


CASES = log_matched_blocks()


def test_the_module_has_log_matched_alerts_and_metrics():
    ids = {case.id for case in CASES}
    assert "google_monitoring_alert_policy this[tuning_job_failed]" in ids
    assert "google_monitoring_alert_policy this[canary_regression]" in ids
    assert "google_monitoring_alert_policy this[model_lifecycle]" in ids
    assert {"google_logging_metric usage[tokens]", "google_logging_metric usage[cost_usd]"} <= ids


def check(block: dict[str, Any]) -> None:
    markers = re.findall(r"\$\{local\.marker\.(\w+)\}", block["filter"])
    assert len(markers) == 1, f"the filter names one log marker from catalogue.json: {block['filter']}"
    (key,) = markers
    assert key in PRODUCERS, f"log marker {key!r} has no producer in this test: add the line the code writes"
    marker = CATALOGUE["log_markers"][key]["match"]
    lines = PRODUCERS[key]()
    assert lines
    extractors = dict(block["label_extractors"])
    if block["value_extractor"]:
        extractors[f"value_extractor[{block['instance']}]"] = block["value_extractor"]
    for line, expected in lines:
        assert marker_matches(marker, line), f"the marker {marker!r} misses the line the code writes: {line!r}"
        for label, extractor in extractors.items():
            if not extractor.startswith("REGEXP_EXTRACT(textPayload"):
                continue  # EXTRACT(resource.labels...) reads the log entry, not the line
            assert label in expected, f"{label}: say what it must extract from {line!r}"
            assert extract(extractor, line) == expected[label], f"{label} = {extractor} on {line!r}"
    used = set(re.findall(r"log\.extracted_label\.(\w+)", block["documentation"]))
    assert used <= set(block["label_extractors"]), f"the notification uses labels it never extracts: {used}"


@pytest.mark.parametrize("block", CASES)
def test_filter_and_extractors_match_the_line_the_code_writes(block):
    check(block)


def test_a_changed_log_line_or_extractor_is_caught(monkeypatch):
    (tuning,) = [
        case.values[0] for case in CASES if case.id == "google_monitoring_alert_policy this[tuning_job_failed]"
    ]
    broken = {**tuning, "label_extractors": {**tuning["label_extractors"]}}
    broken["label_extractors"]["tuning_job"] = 'REGEXP_EXTRACT(textPayload, "Tuning job (\\\\S+) ended")'
    with pytest.raises(AssertionError, match="tuning_job"):
        check(broken)

    import genops.tuning.jobs as jobs

    monkeypatch.setitem(jobs.ENDED_WITHOUT_MODEL, "JOB_STATE_FAILED", "failed")
    monkeypatch.setattr(jobs.TuningJobEnded, "__str__", lambda self: str(self.args[0]).replace("Tuning job", "Job"))
    with pytest.raises(AssertionError, match="misses the line"):
        check(tuning)

    (usage,) = [case.values[0] for case in CASES if case.id == "google_logging_metric usage[tokens]"]
    import genops.usage.ledger as ledger

    monkeypatch.setattr(ledger, "usage_log_line", lambda row: f"GEMINI_USAGE {json.dumps(row, separators=(',', ':'))}")
    with pytest.raises(AssertionError, match="model|dag_id|value_extractor"):
        check(usage)
