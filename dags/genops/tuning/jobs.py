"""The Vertex AI tuning job of one DAG run: created at most once, found again by its labels, polled, cancelled.

`tunings.tune` has no idempotency key, and a job is paid from the moment it exists. So every job this
package creates carries labels naming the DAG and the run (and the try that created it), and
`start_or_reattach` lists the project's tuning jobs with those labels before it creates one: a retry of the
start task, or a Clear of it, reattaches to the run's job instead of starting a second paid one. To tune
again, trigger a new DAG run.

The labels and the list filter (`labels.<key>="<value>"`, joined with AND) are genops.core.lineage's; the
labels of every job returned are checked again here, so a service that ignored the filter could not make
the run reattach to somebody else's job.
"""

from __future__ import annotations

import logging
import re

from genops.core import job_waits
from genops.core.lineage import TRY_LABEL, RunLineage, labels_filter, state_of  # noqa: F401  (state_of: tasks.py)

log = logging.getLogger(__name__)

# The base model a job tuned (a tuned model retires with it): readable, '.' as '_' (label values allow no dots).
BASE_MODEL_LABEL = "genops_base_model"

SUCCEEDED = "JOB_STATE_SUCCEEDED"
# End states without a usable tuned model; the sensor fails at once on each (no polling until its timeout).
ENDED_WITHOUT_MODEL = {
    "JOB_STATE_FAILED": "failed",
    "JOB_STATE_CANCELLED": "was cancelled",
    "JOB_STATE_EXPIRED": "expired",
    "JOB_STATE_PARTIALLY_SUCCEEDED": "only partially succeeded; a partial tuning result is not promoted",
    "JOB_STATE_PAUSED": "is paused and will not finish by itself; resume it in the console, then clear the wait task",
}


class TuningJobEnded(RuntimeError):
    """The job reached an end state without a tuned model; the message says which and why."""


def find_run_job(client, lineage: RunLineage):
    """The tuning job an earlier try of this run created, or None (the oldest one, should there be several)."""
    from google.genai import types

    wanted = lineage.run_labels()
    pager = client.tunings.list(config=types.ListTuningJobsConfig(filter=labels_filter(wanted), page_size=100))
    jobs = [job for job in pager if all((job.labels or {}).get(k) == v for k, v in wanted.items())]
    if len(jobs) > 1:
        log.warning("Run %s has %d tuning jobs: %s", lineage.run_id, len(jobs), [job.name for job in jobs])
    return min(jobs, key=lambda job: (job.create_time is None, job.create_time, job.name), default=None)


def start_or_reattach(client, lineage: RunLineage, *, base_model: str, training_data_uri: str, display_name: str):
    """This run's tuning job: the one an earlier try created, else a new one labelled with the run."""
    from google.genai import types

    existing = find_run_job(client, lineage)
    if existing is not None:
        log.info(
            "Reattaching to tuning job %s (state %s, created by try %s of run %s); not starting another",
            existing.name,
            state_of(existing),
            (existing.labels or {}).get(TRY_LABEL, "?"),
            lineage.run_id,
        )
        return existing
    job = client.tunings.tune(
        base_model=base_model,
        training_dataset=types.TuningDataset(gcs_uri=training_data_uri),
        config=types.CreateTuningJobConfig(
            tuned_model_display_name=display_name,
            labels={**lineage.labels(), BASE_MODEL_LABEL: base_model_label(base_model)},
        ),
    )
    log.info("Started tuning job %s on %s (state %s)", job.name, training_data_uri, state_of(job))
    return job


def base_model_label(base_model: str) -> str:
    """The BASE_MODEL_LABEL value of a base model id or publisher model path."""
    return re.sub(r"[^a-z0-9_-]", "_", base_model.rsplit("/", 1)[-1].lower())[:63]


def tuned_model(job) -> dict[str, str] | None:
    """None while the job runs; its tuned model, endpoint and base model (the bare id, None when the job does not
    say) once it succeeded; raises if it ended without one."""
    state = state_of(job)
    if state in ENDED_WITHOUT_MODEL:
        error = job.error.message if job.error and job.error.message else "no error message from Vertex AI"
        raise TuningJobEnded(f"Tuning job {job.name} {ENDED_WITHOUT_MODEL[state]} ({state}): {error}")
    if state != SUCCEEDED:
        return None
    if not job.tuned_model or not job.tuned_model.endpoint:
        raise TuningJobEnded(f"Tuning job {job.name} succeeded but reports no tuned model endpoint")
    base = job.base_model.rsplit("/", 1)[-1] if job.base_model else None
    return {"model": job.tuned_model.model, "endpoint": job.tuned_model.endpoint, "base_model": base}


def cancel_if_running(client, job_name: str, why: str) -> bool:
    """Cancel the job unless it already ended; returns whether a cancel was sent."""
    return job_waits.cancel_if_running(client.tunings, job_name, why, kind="tuning job")
