"""mp4_summary and pdf_coalesce, run with dag.test(): multimodal parts from GCS, checked structured output."""

from __future__ import annotations

import json

import pytest

from genops.evaluation.results import validate_row
from genops.samples import pdfs, video
from tests.conftest import REPO
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples import answers
from tests.dags.samples.fakes import (
    BUCKET,
    ScriptedGenAIClient,
    install_fake_sample_bigquery,
    install_fake_sample_gcs,
)
from tests.dags.tuning_support import allow_reschedule_on_sqlite

VIDEO = "samples/inputs/video/animals.mp4"
PDFS = sorted((REPO / "samples/inputs/pdfs").glob("*.pdf"))


@pytest.fixture
def gcs(genops_env):
    allow_reschedule_on_sqlite(genops_env)  # the video sensor runs in reschedule mode
    gcs = install_fake_sample_gcs(genops_env)
    gcs.put(BUCKET, VIDEO, b"\x00\x00\x00\x18ftypmp42")
    for path in PDFS:
        gcs.put(BUCKET, f"samples/inputs/pdfs/{path.name}", path.read_bytes())
    return gcs


def _video_client(scenes: dict) -> ScriptedGenAIClient:
    return ScriptedGenAIClient(
        replies={video.SUMMARY_PROMPT: answers.text(answers.VIDEO_SUMMARY), video.SCENES_PROMPT: answers.text(scenes)}
    )


def test_video_summary_is_written_and_scenes_are_loaded(dagbag, gcs, genops_env):
    bigquery = install_fake_sample_bigquery(genops_env, gcs)
    client = install_fake_genai(genops_env, _video_client(answers.VIDEO_SCENES)).client
    result = run_dag(dagbag.get_dag("mp4_summary"))

    assert result.state == "success", result.task_states
    assert result.task_states["within_daily_budget"] == "success"
    calls = client.generate_calls()
    assert len(calls) == 2
    for call in calls:
        assert call["contents"][0]["parts"][0]["file_data"] == {
            "file_uri": f"gs://{BUCKET}/{VIDEO}",
            "mime_type": "video/mp4",
        }
    assert {json.dumps(c["config"]["response_schema"], sort_keys=True) for c in calls} == {
        json.dumps(video.SUMMARY_SCHEMA, sort_keys=True),
        json.dumps(video.SCENES_SCHEMA, sort_keys=True),
    }
    summary_object = next(name for name in gcs.uploads() if name.endswith("/summary.json"))
    assert json.loads(gcs.text(summary_object))["title"] == "Animals at the water"
    rows = bigquery.loaded_rows
    assert [(r["scene_index"], r["subject"], r["end_seconds"]) for r in rows] == [(0, "deer", 4.5), (1, "otter", 9.0)]
    assert all(validate_row(r, video.SCHEMA_FILE) == r for r in rows)
    assert bigquery.jobs[0]["configuration"]["load"]["destinationTable"]["tableId"] == "video_scenes"


def test_scenes_that_end_before_they_start_are_not_loaded(dagbag, gcs, genops_env, capfd, caplog):
    bigquery = install_fake_sample_bigquery(genops_env, gcs)
    install_fake_genai(genops_env, _video_client(answers.VIDEO_SCENES_BACKWARDS))
    result = run_dag(dagbag.get_dag("mp4_summary"))

    assert result.task_states["check_scenes"] == "failed"
    assert result.task_states["load_scenes"] == "upstream_failed" and bigquery.jobs == []
    assert not any(name.endswith("scenes.jsonl") for name in gcs.uploads())
    assert result.task_states["write_summary"] == "success", "the valid summary still gets written"
    assert "scenes must end after they start" in capfd.readouterr().out + caplog.text


def _pdf_client(translation: dict, total_tokens: int = 500) -> ScriptedGenAIClient:
    return ScriptedGenAIClient(
        total_tokens=total_tokens,
        replies={
            pdfs.SUMMARY_PROMPT: answers.text(answers.PDF_SUMMARY),
            "Translate every string value": answers.text(translation),
        },
    )


def test_pdfs_are_coalesced_translated_and_written(dagbag, gcs, genops_env):
    genops_env.setenv("GENOPS_TRANSLATION_LANGUAGE", "Spanish")
    client = install_fake_genai(genops_env, _pdf_client(answers.PDF_TRANSLATION)).client
    result = run_dag(dagbag.get_dag("pdf_coalesce"))

    assert result.state == "success", result.task_states
    assert result.task_states["within_daily_budget"] == "success"
    assert client.methods_called() == ["count_tokens", "generate_content", "generate_content"]
    summarize, translate = client.generate_calls()
    uris = [part["file_data"]["file_uri"] for part in summarize["contents"][0]["parts"] if "file_data" in part]
    assert uris == [f"gs://{BUCKET}/samples/inputs/pdfs/{p.name}" for p in PDFS]
    translate_prompt = translate["contents"][0]["parts"][0]["text"]
    assert "into Spanish" in translate_prompt and answers.PDF_SUMMARY["summary"] in translate_prompt
    (written,) = gcs.uploads()
    document = json.loads(gcs.text(written))
    assert document["summary"] == answers.PDF_SUMMARY and document["translation"] == answers.PDF_TRANSLATION
    assert written.startswith("samples/outputs/pdf_coalesce/") and written.endswith("/summary.json")


def test_a_translation_that_drops_key_points_is_not_written(dagbag, gcs, genops_env):
    short = {**answers.PDF_TRANSLATION, "key_points": ["Programar llamadas"]}
    install_fake_genai(genops_env, _pdf_client(short))
    result = run_dag(dagbag.get_dag("pdf_coalesce"))

    assert result.task_states["check_translation"] == "failed"
    assert result.task_states["write_summary"] == "upstream_failed" and gcs.uploads() == []


def test_pdfs_over_the_token_budget_are_not_sent(dagbag, gcs, genops_env):
    genops_env.setenv("GENOPS_TOKEN_BUDGET", "1000")
    client = install_fake_genai(genops_env, _pdf_client(answers.PDF_TRANSLATION, total_tokens=1001)).client
    result = run_dag(dagbag.get_dag("pdf_coalesce"))

    assert result.task_states["within_budget"] == "success"
    assert result.task_states["coalesce_pdfs"] == "skipped" and result.task_states["write_summary"] == "skipped"
    assert client.methods_called() == ["count_tokens"] and gcs.uploads() == []
    assert "over the budget of 1000" in result.xcom("within_budget", key="decision")["reason"]


def test_no_staged_pdfs_fails_with_the_fix(dagbag, genops_env, capfd, caplog):
    install_fake_sample_gcs(genops_env)
    client = install_fake_genai(genops_env, ScriptedGenAIClient()).client
    result = run_dag(dagbag.get_dag("pdf_coalesce"))

    assert result.task_states["list_pdfs"] == "failed" and client.calls == []
    output = capfd.readouterr().out + caplog.text
    assert f"No PDFs under gs://{BUCKET}/samples/inputs/pdfs/" in output and "stage_samples.sh" in output
