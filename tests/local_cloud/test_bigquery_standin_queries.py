"""The BigQuery stand-in answers the approval and canary queries (genops.gates.baseline) and one run's spend
(genops.usage.bigquery.run_total) as BigQuery would, through the real google-cloud-bigquery client: the product's
own SQL and parameters, computed over the stored rows; a parameter of the wrong type is BigQuery's 400."""

from __future__ import annotations

from datetime import UTC, datetime

import google.auth
import pytest
from google.api_core import exceptions
from google.cloud import bigquery

from genops.evaluation.results import metrics_row, schema
from genops.gates import baseline
from genops.usage import bigquery as usage_bigquery
from genops.usage.rows import schema as usage_schema
from tests.ledger_rows import ledger_row
from tests.local_cloud.gcp_env import PROJECT, REGION, local_gcp

DATASET = "genops"
SUMMARY = {"row_count": 4, "summarization_quality/mean": 3.5, "rouge_l_sum/mean": 0.4}


@pytest.fixture
def cloud(tmp_path, monkeypatch):
    with local_gcp(tmp_path) as cloud:
        cloud.bigquery.create_dataset(PROJECT, DATASET, REGION)
        cloud.bigquery.create_table(PROJECT, DATASET, "model_evaluations", list(schema()))
        cloud.bigquery.create_table(PROJECT, DATASET, "gemini_usage", usage_schema())
        for name, value in {"GENOPS_PROJECT_ID": PROJECT, "GENOPS_BQ_DATASET": DATASET}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(usage_bigquery, "client", lambda what: client())
        yield cloud


def client() -> bigquery.Client:
    credentials, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return bigquery.Client(project=project, credentials=credentials, location=REGION)


def evaluation(model_config: str, run_id: str, day: int, quality: float) -> dict:
    return metrics_row(
        {**SUMMARY, "summarization_quality/mean": quality},
        model_config=model_config,
        model=f"projects/{PROJECT}/locations/{REGION}/endpoints/{day}",
        dag_id="genops_pipeline",
        run_id=run_id,
        evaluated_at=datetime(2026, 12, day, tzinfo=UTC),
        metrics=("summarization_quality", "rouge_l_sum"),
    )


def test_the_newest_served_row_is_the_served_model_and_its_baseline(cloud):
    assert baseline.latest_served() is None
    for row in (
        evaluation("served", "r1", 1, 3.1),
        evaluation("served", "r3", 3, 3.9),
        evaluation("tuned", "r4", 4, 2.0),
    ):
        assert baseline.store_once(row) is True

    served = baseline.served(("summarization_quality", "rouge_l_sum", "bleu"))

    assert served.model == f"projects/{PROJECT}/locations/{REGION}/endpoints/3" and served.approved
    assert served.baseline == {"summarization_quality": 3.9, "rouge_l_sum": 0.4}
    assert served.source == "approved in genops_pipeline/r3"


def test_an_evaluation_row_is_stored_once_whatever_retries(cloud):
    row = evaluation("canary", "daily", 5, 3.5)
    assert baseline.store_once(row) is True
    assert baseline.store_once(row) is False
    stored = cloud.bigquery.rows(PROJECT, DATASET, "model_evaluations")
    assert [r["evaluation_id"] for r in stored] == [row["evaluation_id"]]


def test_one_runs_spend_is_summed_from_the_ledger(cloud):
    rows = [ledger_row("a", 100, 0.5, datetime.now(UTC)), ledger_row("b", 20, None, datetime.now(UTC))]
    rows[1] = {**rows[1], "run_id": "another-run"}
    table = f"{PROJECT}.{DATASET}.gemini_usage"
    assert client().insert_rows_json(table, rows, row_ids=["a", "b"], retry=None) == []

    assert usage_bigquery.run_total(table, rows[0]["dag_id"], rows[0]["run_id"]) == {
        "total_tokens": 100,
        "cost_usd": 0.5,
        "calls": 1,
    }
    assert usage_bigquery.run_total(table, "no_dag", "no_run") == {"total_tokens": 0, "cost_usd": None, "calls": 0}


def test_a_parameter_of_the_wrong_type_is_refused(cloud):
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("model_config", "INT64", 1)], use_legacy_sql=False
    )
    sql = baseline.LATEST_SQL.format(table=f"{PROJECT}.{DATASET}.model_evaluations")
    with pytest.raises(exceptions.BadRequest, match="No matching signature"):
        client().query_and_wait(sql, job_config=job_config)
