"""BigQuery loads and table reads through the provider's BigQueryHook (imported when called)."""

from __future__ import annotations

import logging

from genops.core import config
from genops.core.credentials import GCP_CONN_ID, require_google_credentials

log = logging.getLogger(__name__)


def _hook(location: str | None, what: str):
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    require_google_credentials(what, gcp_conn_id=GCP_CONN_ID)
    return BigQueryHook(gcp_conn_id=GCP_CONN_ID, use_legacy_sql=False, location=location)


def load_jsonl(source_uri: str, table_setting: str, context) -> str:
    """Append the NDJSON rows at `source_uri` to the table GENOPS_<table_setting> names; returns the job id.

    The table must exist (Terraform creates it from its schema file): CREATE_NEVER keeps a typo in the
    setting from creating a stray table, and unknown fields fail the load instead of being dropped. The job
    id is derived from the task and the load (genops.core.load_jobs), so a retry of the task (`context`)
    reattaches to its load instead of appending the rows again.
    """
    from genops.core.load_jobs import job_id_for_context, submit_once

    project, dataset, table = (
        config.get("GENOPS_PROJECT_ID"),
        config.get("GENOPS_BQ_DATASET"),
        config.get(table_setting),
    )
    region = config.get("GENOPS_REGION")
    configuration = {
        "load": {
            "sourceUris": [source_uri],
            "destinationTable": {"projectId": project, "datasetId": dataset, "tableId": table},
            "sourceFormat": "NEWLINE_DELIMITED_JSON",
            "writeDisposition": "WRITE_APPEND",
            "createDisposition": "CREATE_NEVER",
            "ignoreUnknownValues": False,
        }
    }
    hook = _hook(region, f"loading {source_uri} into BigQuery")
    job = submit_once(
        lambda job_id: hook.insert_job(
            configuration=configuration, job_id=job_id, project_id=project, location=region, nowait=True
        ),
        lambda job_id: hook.get_job(job_id=job_id, project_id=project, location=region),
        job_id_for_context(context, configuration),
    )
    job.result()
    if job.error_result:
        raise RuntimeError(f"BigQuery load job {job.job_id} failed: {job.error_result}")
    log.info("Loaded %s into %s.%s.%s (job %s)", source_uri, project, dataset, table, job.job_id)
    return job.job_id


def sample_rows(table: str, *, max_rows: int) -> list[dict]:
    """The first `max_rows` rows of `<project>.<dataset>.<table>`, read with tabledata.list: no query job, so
    nothing is billed and no SQL is built from configuration."""
    project, dataset, table_id = table.split(".")
    rows = _hook(None, f"reading {table}").list_rows(
        dataset_id=dataset, table_id=table_id, project_id=project, max_results=max_rows
    )
    return [dict(row.items()) for row in rows]
