"""BigQuery load jobs that run at most once per task of a DAG run, whatever retries.

A load job appends; submitted again with a fresh id it appends the same rows again. Here the job id is
derived from what the load is (DAG, run, task, map index, source objects, destination), so every try of the
task asks BigQuery for the same job: the first try creates it, a later try gets 409 Conflict and reattaches
to it (waits for it, or takes its result if it is done). Only when the earlier job failed, which in
BigQuery loads nothing, does a try submit again, under the next id in a fixed sequence (`_2`, `_3`, ...).
"""

from __future__ import annotations

import logging
import re

from genops.core.naming import short_hash

log = logging.getLogger(__name__)

JOB_ID_MAX = 1024  # BigQuery job ids: letters, digits, '_' and '-', at most 1024 characters
MAX_ATTEMPTS = 10  # failed earlier jobs a try steps over before it gives up


def load_job_id(
    *, dag_id: str, run_id: str, task_id: str, map_index: int | None, source_uris: list[str], destination: dict
) -> str:
    """The job id of this load: readable DAG and task, and a hash of everything that makes it this load."""
    destination_name = ".".join(str(destination.get(k)) for k in ("projectId", "datasetId", "tableId"))
    digest = short_hash(dag_id, run_id, task_id, map_index, *sorted(source_uris), destination_name, length=24)
    readable = re.sub(r"[^A-Za-z0-9_]+", "_", f"genops_{dag_id}_{task_id}").strip("_")
    return f"{readable[: JOB_ID_MAX - 64]}_{digest}"


def job_id_for_context(context, configuration: dict) -> str:
    """`load_job_id` for the running task's context and a `{"load": {...}}` job configuration."""
    ti = context["ti"]
    load = configuration["load"]
    return load_job_id(
        dag_id=ti.dag_id,
        run_id=context["run_id"],
        task_id=ti.task_id,
        map_index=getattr(ti, "map_index", -1),
        source_uris=list(load["sourceUris"]),
        destination=load["destinationTable"],
    )


def submit_once(insert, get, job_id: str):
    """Submit the job as `job_id`, or reattach to the job an earlier try submitted under it.

    `insert(job_id)` submits and returns the job; `get(job_id)` returns an existing one (BigQueryHook's
    insert_job / get_job with the project and location bound). A job that already exists and did not fail
    is returned as it is (the caller waits for it as for a new one); one that failed is stepped over.
    """
    from google.api_core.exceptions import Conflict

    for attempt in range(1, MAX_ATTEMPTS + 1):
        candidate = job_id if attempt == 1 else f"{job_id}_{attempt}"
        try:
            return insert(candidate)
        except Conflict:
            job = get(candidate)
        if getattr(job, "error_result", None) and job.state == "DONE":
            log.warning("BigQuery job %s failed earlier (%s); submitting the load again", candidate, job.error_result)
            continue
        log.info("Reattaching to BigQuery job %s (state %s) submitted by an earlier try", candidate, job.state)
        return job
    raise RuntimeError(f"BigQuery job {job_id} failed {MAX_ATTEMPTS} times; see those jobs' errors")
