"""Table reads through the provider's BigQueryHook (imported when called); loads use GCSToBigQueryOperator."""

from __future__ import annotations

import logging

from genops.core.credentials import GCP_CONN_ID, require_google_credentials

log = logging.getLogger(__name__)


def _hook(location: str | None, what: str):
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    require_google_credentials(what, gcp_conn_id=GCP_CONN_ID)
    return BigQueryHook(gcp_conn_id=GCP_CONN_ID, use_legacy_sql=False, location=location)


def sample_rows(table: str, *, max_rows: int) -> list[dict]:
    """The first `max_rows` rows of `<project>.<dataset>.<table>`, read with tabledata.list: no query job, so
    nothing is billed and no SQL is built from configuration."""
    project, dataset, table_id = table.split(".")
    rows = _hook(None, f"reading {table}").list_rows(
        dataset_id=dataset, table_id=table_id, project_id=project, max_results=max_rows
    )
    return [dict(row.items()) for row in rows]
