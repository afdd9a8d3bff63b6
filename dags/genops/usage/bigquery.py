"""The ledger's two BigQuery calls, through the client the provider's BigQueryHook builds (imported when called):
a streaming insert with insert ids (a retried write adds no duplicate) and one parameterised query."""

from __future__ import annotations

import re
from datetime import date

from genops.core import config
from genops.core.credentials import GCP_CONN_ID, require_google_credentials

TABLE = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+")


class LedgerWriteError(RuntimeError):
    """BigQuery rejected some rows of a ledger write (insertErrors)."""


def table_fqn() -> str:
    """`<project>.<dataset>.<table>` of the ledger, from GENOPS_PROJECT_ID, GENOPS_BQ_DATASET, GENOPS_USAGE_TABLE."""
    table = ".".join(config.get(name) for name in ("GENOPS_PROJECT_ID", "GENOPS_BQ_DATASET", "GENOPS_USAGE_TABLE"))
    if not TABLE.fullmatch(table):
        raise config.InvalidSettingError(
            f"usage ledger table {table!r} is not <project>.<dataset>.<table>: check GENOPS_PROJECT_ID, "
            "GENOPS_BQ_DATASET and GENOPS_USAGE_TABLE (letters, digits and underscores)."
        )
    return table


def client(what: str):
    """A google.cloud.bigquery Client for GENOPS_PROJECT_ID in GENOPS_REGION, with the connection's credentials."""
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    require_google_credentials(what, gcp_conn_id=GCP_CONN_ID)
    region = config.get("GENOPS_REGION")
    return BigQueryHook(gcp_conn_id=GCP_CONN_ID, use_legacy_sql=False, location=region).get_client(
        project_id=config.get("GENOPS_PROJECT_ID"), location=region
    )


def insert_rows(table: str, rows: list[dict]) -> None:
    """Stream `rows` into `table`, each with its call_id as insert id (BigQuery drops a repeat of an id)."""
    errors = client(f"writing {len(rows)} usage rows to {table}").insert_rows_json(
        table, rows, row_ids=[row["call_id"] for row in rows], retry=None
    )
    if errors:
        raise LedgerWriteError(f"BigQuery rejected rows of {table}: {errors}")


DAILY_TOTAL_SQL = """
SELECT
  COALESCE(SUM(total_tokens), 0) AS total_tokens,
  SUM(estimated_cost_usd) AS cost_usd,
  COUNTIF(estimated_cost_usd IS NULL AND total_tokens > 0) AS unpriced_calls,
  COUNT(*) AS calls
FROM `{table}`
WHERE DATE(called_at) = @day
""".strip()


def daily_total(table: str, day: date) -> dict:
    """Tokens, estimated USD (None when no call was priced), unpriced calls and calls on `day` (UTC)."""
    from google.cloud import bigquery

    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)], use_legacy_sql=False
    )
    (row,) = list(
        client(f"reading today's Gemini spend from {table}").query_and_wait(
            DAILY_TOTAL_SQL.format(table=table), job_config=job_config
        )
    )
    return {
        "total_tokens": int(row["total_tokens"] or 0),
        "cost_usd": None if row["cost_usd"] is None else float(row["cost_usd"]),
        "unpriced_calls": int(row["unpriced_calls"] or 0),
        "calls": int(row["calls"] or 0),
    }


RUN_TOTAL_SQL = """
SELECT
  COALESCE(SUM(total_tokens), 0) AS total_tokens,
  SUM(estimated_cost_usd) AS cost_usd,
  COUNT(*) AS calls
FROM `{table}`
WHERE dag_id = @dag_id AND run_id = @run_id
""".strip()


def run_total(table: str, dag_id: str, run_id: str) -> dict:
    """Tokens, estimated USD (None when no call was priced) and calls of one DAG run, as written so far."""
    from google.cloud import bigquery

    job_config = bigquery.QueryJobConfig(
        query_parameters=[
            bigquery.ScalarQueryParameter("dag_id", "STRING", dag_id),
            bigquery.ScalarQueryParameter("run_id", "STRING", run_id),
        ],
        use_legacy_sql=False,
    )
    (row,) = list(
        client(f"reading the Gemini spend of run {run_id} from {table}").query_and_wait(
            RUN_TOTAL_SQL.format(table=table), job_config=job_config
        )
    )
    return {
        "total_tokens": int(row["total_tokens"] or 0),
        "cost_usd": None if row["cost_usd"] is None else float(row["cost_usd"]),
        "calls": int(row["calls"] or 0),
    }
