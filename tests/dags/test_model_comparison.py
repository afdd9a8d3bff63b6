"""model_comparison: mapped evaluations, the NDJSON report in GCS, the BigQuery load and the winner.

Fakes sit at the network edge only: the google-genai client, the evaluation service call, GCSHook and
BigQueryHook.insert_job (so the provider's GCSToBigQueryOperator really builds and submits its load job).
"""

from __future__ import annotations

import json
import logging
from collections import Counter

import pytest

from genops.core.naming import object_segment
from genops.evaluation.results import schema, validate_row
from genops.gemini.profiles import PROFILES
from tests.dags.fakes import (
    REALISTIC_SUMMARY,
    FakeEvaluationByConfig,
    FakeGCS,
    install_fake_bigquery,
    install_fake_evaluation,
    install_fake_gcs,
    install_fake_genai,
)
from tests.dags.runner import run_dag

CONFIGS = [profile.name for profile in PROFILES]
QUALITY = dict(zip(CONFIGS, [3.5, 3.9, 4.0, 4.4, 2.1, 3.7], strict=True))  # "balanced" summarizes best
EXAMPLES = 8


def model_of(config: str) -> str:
    """The model GENOPS_PRO_MODEL/GENOPS_FLASH_MODEL default to, for a configuration."""
    return "gemini-4-argon" if config == "pro" else "gemini-3.8-flash"


def _summaries(**overrides) -> dict[str, dict]:
    by_config = {name: {**REALISTIC_SUMMARY, "summarization_quality/mean": q} for name, q in QUALITY.items()}
    return {**by_config, **overrides}


@pytest.fixture
def run_comparison(dagbag, genops_env):
    def run(by_config: dict[str, dict]):
        genai = install_fake_genai(genops_env)
        evaluation = install_fake_evaluation(genops_env, FakeEvaluationByConfig(by_config=by_config))
        gcs = install_fake_gcs(genops_env, FakeGCS())
        bigquery = install_fake_bigquery(genops_env, gcs)
        return run_dag(dagbag.get_dag("model_comparison")), genai.client, evaluation, gcs, bigquery

    return run


def test_every_configuration_is_evaluated_stored_in_bigquery_and_the_best_is_published(run_comparison):
    result, client, evaluation, gcs, bigquery = run_comparison(_summaries())

    assert result.state == "success"
    assert result.mapped_states("evaluate") == ["success"] * len(CONFIGS)
    assert sorted(call["experiment_run_name"].rsplit("-", 1)[1] for call in evaluation.calls) == sorted(CONFIGS)
    # Each configuration answers as it samples (model, temperature): the comparison is not six runs of one setting.
    generated = [c for c in client.calls if c.method == "generate_content"]
    sampled = Counter((c.kwargs["model"], c.kwargs["config"].get("temperature")) for c in generated)
    expected = Counter()
    for profile in PROFILES:
        expected[(model_of(profile.name), profile.temperature)] += EXAMPLES
    assert sampled == expected

    (report_name,) = [name for bucket, name in gcs.objects if bucket == "genops-test-data"]
    run_id = next(ti.run_id for ti in result.task_instances)
    assert report_name == f"reports/model_comparison/{object_segment(run_id)}/model_evaluations.jsonl"
    assert ":" not in report_name and "+" not in report_name

    (job,) = bigquery.jobs
    load = job["configuration"]["load"]
    assert load["sourceUris"] == [f"gs://genops-test-data/{report_name}"]
    assert load["destinationTable"] == {
        "projectId": "genops-test-project",
        "datasetId": "genops",
        "tableId": "model_evaluations",
    }
    assert load["schema"]["fields"] == list(schema())
    assert (load["sourceFormat"], load["writeDisposition"], load["createDisposition"]) == (
        "NEWLINE_DELIMITED_JSON",
        "WRITE_APPEND",
        "CREATE_NEVER",
    )
    assert len(bigquery.loaded_rows) == len(CONFIGS)
    for row in bigquery.loaded_rows:
        assert validate_row(row) == row
        assert row["summarization_quality"] == QUALITY[row["model_config"]]
        assert row["model"] == model_of(row["model_config"])
        assert row["run_id"] == run_id and row["row_count"] == EXAMPLES
        assert json.loads(row["summary_metrics"])["summarization_quality/mean"] == QUALITY[row["model_config"]]

    assert result.xcom("best_configuration") == {
        "model_config": "balanced",
        "model": "gemini-3.8-flash",
        "metric": "summarization_quality",
        "score": 4.4,
    }


def test_a_malformed_evaluation_result_fails_before_anything_is_written_or_loaded(run_comparison, capfd, caplog):
    caplog.set_level(logging.INFO)
    result, _, _, gcs, bigquery = run_comparison(_summaries(random={"row_count": 8, "bleu/mean": 7.5}))

    assert result.state == "failed"
    states = dict(zip(CONFIGS, result.mapped_states("evaluate"), strict=True))
    assert states == {**dict.fromkeys(CONFIGS, "success"), "random": "failed"}
    assert [result.task_states[t] for t in ("write_report", "load_to_bigquery", "best_configuration")] == [
        "upstream_failed"
    ] * 3
    assert "upload" not in gcs.methods_called() and gcs.objects == {}
    assert bigquery.jobs == [], "no load job may be submitted"
    assert "bleu/mean=7.5 is not a number from 0.0 to 1.0" in capfd.readouterr().out + caplog.text


def test_the_load_defers_and_resumes_in_the_provider_operator(run_comparison, capfd, caplog):
    """GCSToBigQueryOperator runs whole: it submits the job, defers to BigQuery's trigger (run inline by
    dag.test) and resumes in its own execute_complete, pushing the job id and the table link."""
    caplog.set_level(logging.INFO)
    result, _, _, _, bigquery = run_comparison(_summaries())

    assert result.task_states["load_to_bigquery"] == "success"
    (job,) = bigquery.jobs
    assert result.xcom("load_to_bigquery", key="job_id") == job["job_id"]
    # One id per run and task (genops.core.load_jobs), not the provider's per-try one: a retry reattaches.
    assert job["job_id"].startswith("genops_model_comparison_load_to_bigquery_")
    assert "load_to_bigquery completed with response Job completed" in capfd.readouterr().out + caplog.text


def test_a_failed_load_job_fails_the_load_task(dagbag, genops_env, capfd, caplog):
    caplog.set_level(logging.INFO)
    install_fake_genai(genops_env)
    install_fake_evaluation(genops_env, FakeEvaluationByConfig(by_config=_summaries()))
    bigquery = install_fake_bigquery(genops_env, install_fake_gcs(genops_env, FakeGCS()))
    bigquery.job_error = "Error while reading data, error message: JSON parsing error in row starting at position 0"
    result = run_dag(dagbag.get_dag("model_comparison"))

    assert result.task_states["load_to_bigquery"] == "failed"
    assert result.task_states["best_configuration"] == "upstream_failed"
    assert "JSON parsing error in row starting at position 0" in capfd.readouterr().out + caplog.text
