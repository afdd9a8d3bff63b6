"""The samples' shared code as plain logic: optional settings, answer checks, rows and their schema files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from genops.core import config
from genops.evaluation.results import InvalidResultError, validate_row
from genops.samples import feedback, grounding, insights, locations, pdfs, status_report, video
from genops.samples.orders import OrderFeedError, check_orders
from genops.samples.structured import InvalidAnswerError, parse_answer
from tests.conftest import REPO
from tests.dags.samples import answers

WHEN = datetime(2026, 8, 1, 12, 30, tzinfo=UTC)
IDS = {"dag_id": "d", "run_id": "manual__2026-08-01T12:30:00+00:00"}


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_unset_or_blank_optional_setting_is_none(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("GENOPS_SEARCH_DATA_STORE", raising=False)
    else:
        monkeypatch.setenv("GENOPS_SEARCH_DATA_STORE", raw)
    assert config.optional("GENOPS_SEARCH_DATA_STORE") is None


def test_a_set_optional_setting_is_its_value_and_required_ones_are_not_optional(monkeypatch):
    monkeypatch.setenv("GENOPS_INSIGHTS_SOURCE_TABLE", " p-123.d.t ")
    assert config.optional("GENOPS_INSIGHTS_SOURCE_TABLE") == "p-123.d.t"
    with pytest.raises(KeyError, match="not optional"):
        config.optional("GENOPS_PROJECT_ID")


def test_outputs_are_per_dag_and_run(monkeypatch):
    monkeypatch.setenv("GENOPS_SAMPLES_PREFIX", "demo")
    assert locations.input_object("pdfs") == "demo/inputs/pdfs"
    assert (
        locations.output_object("d", IDS["run_id"], "x.json")
        == "demo/outputs/d/manual__2026-08-01T12_30_00_00_00/x.json"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "returned no text"),
        ("  ", "returned no text"),
        ('{"personalization": 8', "is not JSON"),
        ("[]", "is not of type 'object'"),
    ],
)
def test_parse_answer_rejects_what_is_not_an_answer(text, message):
    with pytest.raises(InvalidAnswerError, match=message):
        parse_answer(text, feedback.RESPONSE_SCHEMA, what="feedback")


def test_parse_answer_names_every_problem():
    with pytest.raises(InvalidAnswerError) as err:
        parse_answer(answers.text(answers.FEEDBACK_MALFORMED), feedback.RESPONSE_SCHEMA, what="feedback")
    message = str(err.value)
    assert "competency: 11 is greater than the maximum of 10" in message
    assert "resolved: 'yes' is not of type 'boolean'" in message and "'reasoning' is a required property" in message
    assert message.endswith("Nothing was written.")


def test_feedback_row_fits_its_table_and_a_float_score_does_not():
    row = feedback.feedback_row(answers.FEEDBACK, transcript_uri="gs://b/t.txt", model="m", checked_at=WHEN, **IDS)
    assert row["feedback_id"] == f"d/{IDS['run_id']}" and row["resolved"] is True
    parse_answer(answers.text({**answers.FEEDBACK, "competency": 9.0}), feedback.RESPONSE_SCHEMA, what="f")
    with pytest.raises(InvalidResultError, match=r"competency=9.0 must be an integer"):
        feedback.feedback_row(
            {**answers.FEEDBACK, "competency": 9.0}, transcript_uri="u", model="m", checked_at=WHEN, **IDS
        )


def test_validate_row_checks_booleans_and_reports_unknown_types(tmp_path):
    with pytest.raises(InvalidResultError, match="resolved='yes' must be true or false"):
        validate_row({**_feedback_row(), "resolved": "yes"}, feedback.SCHEMA_FILE)
    odd = tmp_path / "odd.json"
    odd.write_text('[{"name": "where", "type": "GEOGRAPHY", "mode": "NULLABLE"}]')
    with pytest.raises(InvalidResultError, match="GEOGRAPHY, which validate_row cannot check"):
        validate_row({"where": "POINT(0 0)"}, odd, row_name="odd row")


def _feedback_row() -> dict:
    return feedback.feedback_row(answers.FEEDBACK, transcript_uri="u", model="m", checked_at=WHEN, **IDS)


def test_scenes_become_rows_in_order_and_out_of_order_scenes_are_rejected():
    rows = video.scene_rows(answers.VIDEO_SCENES, video_uri="gs://b/v.mp4", model="m", checked_at=WHEN, **IDS)
    assert [r["scene_id"] for r in rows] == [f"d/{IDS['run_id']}/0", f"d/{IDS['run_id']}/1"]
    swapped = {"scenes": list(reversed(answers.VIDEO_SCENES["scenes"]))}
    with pytest.raises(InvalidAnswerError, match="scene 1 .* come in order"):
        video.scene_rows(swapped, video_uri="gs://b/v.mp4", model="m", checked_at=WHEN, **IDS)


def test_a_report_naming_a_dag_without_runs_is_rejected():
    summary = status_report.summarize(
        [{"dag_id": "count_tokens", "run_id": "r", "state": "failed", "start_date": None}], truncated=False
    )
    status_report.check_report({**answers.STATUS_REPORT, "dags_needing_attention": []}, summary)
    invented = {**answers.STATUS_REPORT}
    invented["dags_needing_attention"] = [{"dag_id": "ghost", "failed_runs": 1, "observation": "x"}]
    with pytest.raises(InvalidAnswerError, match="names DAG 'ghost', which has no runs"):
        status_report.check_report(invented, summary)


def test_a_translation_must_keep_every_key_point():
    pdfs.check_translation(answers.PDF_TRANSLATION, answers.PDF_SUMMARY)
    with pytest.raises(InvalidAnswerError, match="1 key points but the summary has 2"):
        pdfs.check_translation({**answers.PDF_TRANSLATION, "key_points": ["x"]}, answers.PDF_SUMMARY)


@pytest.mark.parametrize("table", ["d.t", "Project.d.t", "p-123.d.t; DROP TABLE x", "p-123.d.t.u", "p-123..t"])
def test_a_malformed_source_table_names_the_setting_and_the_fix(monkeypatch, table):
    monkeypatch.setenv("GENOPS_INSIGHTS_SOURCE_TABLE", table)
    with pytest.raises(config.InvalidSettingError, match=r"GENOPS_INSIGHTS_SOURCE_TABLE=.*<project>\.<dataset>"):
        insights.SOURCE_TABLE.value()


def test_the_sample_goes_to_gemini_as_compact_csv():
    text = insights.sample_text([{"a": 1, "b": None}, {"a": 2, "b": "x,y"}])
    assert text == 'Data sample (CSV):\na,b\n1,\n2,"x,y"\n'


@pytest.mark.parametrize("store", ["handbook", "projects/p/locations/global/dataStores/d", "projects/p /x"])
def test_a_malformed_data_store_names_the_setting_and_the_fix(monkeypatch, store):
    monkeypatch.setenv("GENOPS_SEARCH_DATA_STORE", store)
    with pytest.raises(config.InvalidSettingError, match="GENOPS_SEARCH_DATA_STORE=.*dataStores/<id>"):
        grounding.DATA_STORE.value()


def test_the_staged_partner_feed_fails_at_its_bad_row_and_a_clean_one_passes():
    staged = (REPO / "samples/inputs/logging/partner_orders.csv").read_text()
    with pytest.raises(OrderFeedError, match="orders.csv line 3: amount_usd 'N/A' is not a number"):
        check_orders(staged, source="orders.csv")
    clean = "\n".join(line for line in staged.splitlines() if "N/A" not in line)
    assert check_orders(clean, source="orders.csv") == {"orders": 2, "total_usd": 171.9}
    with pytest.raises(OrderFeedError, match="missing column"):
        check_orders("order_id,partner\n1,acme\n", source="orders.csv")
