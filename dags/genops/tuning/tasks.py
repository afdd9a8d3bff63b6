"""Supervised fine-tuning without holding a worker: start the Vertex AI tuning job, then poll it in reschedule mode.

The provider's GenAISupervisedFineTuningTrainOperator sleeps inside a worker slot until the job ends (an hour
or more). Here the job is started by one short task, and a sensor in mode="reschedule" checks it every
POKE_INTERVAL, giving the slot back between checks. Both DAGs that tune share these tasks via `tuning_tasks()`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from genops.core import config
from genops.core.compat import AirflowFailException, TaskGroup, get_current_context, task

log = logging.getLogger(__name__)

POKE_INTERVAL = timedelta(minutes=5)  # between checks of the training file and of the tuning job
TRAINING_DATA_TIMEOUT = timedelta(hours=6)
TUNING_TIMEOUT = timedelta(hours=24)

SUCCEEDED = "JOB_STATE_SUCCEEDED"
# XCom keys of the tuned model, the same the provider's GenAISupervisedFineTuningTrainOperator pushes.
TUNED_MODEL_KEY, TUNED_ENDPOINT_KEY = "tuned_model_name", "tuned_model_endpoint_name"
ENDED_WITHOUT_MODEL = {"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}


def genai_client():
    """The google-genai client for GENOPS_PROJECT_ID/GENOPS_REGION, built by the provider's GenAI hook."""
    from genops.gemini.calls import genai_client

    return genai_client("the Vertex AI tuning job")


def job_state(job) -> str:
    return getattr(job.state, "value", job.state) or "JOB_STATE_UNSPECIFIED"


def start_job(training_data_uri: str) -> str:
    """Create the tuning job (returns at once) and return its resource name."""
    from google.genai import types

    client = genai_client()  # keep a reference: a dropped google-genai Client closes its HTTP connection
    job = client.tunings.tune(
        base_model=config.get("GENOPS_TUNING_SOURCE_MODEL"),
        training_dataset=types.TuningDataset(gcs_uri=training_data_uri),
        config=types.CreateTuningJobConfig(tuned_model_display_name=config.get("GENOPS_TUNED_MODEL_DISPLAY_NAME")),
    )
    log.info("Started tuning job %s on %s (state %s)", job.name, training_data_uri, job_state(job))
    return job.name


def poll_job(job_name: str) -> dict[str, str] | None:
    """One check: None while the job runs, its tuned model once it succeeded; fails if it ended without one."""
    client = genai_client()  # keep a reference (see start_job)
    job = client.tunings.get(name=job_name)
    state = job_state(job)
    log.info("Tuning job %s is %s", job_name, state)
    if state in ENDED_WITHOUT_MODEL:
        error = job.error.message if job.error and job.error.message else "no error message from Vertex AI"
        raise AirflowFailException(f"Tuning job {job_name} ended {state}: {error}")
    if state != SUCCEEDED:
        return None
    if not job.tuned_model or not job.tuned_model.endpoint:
        raise AirflowFailException(f"Tuning job {job_name} succeeded but reports no tuned model endpoint")
    return {TUNED_MODEL_KEY: job.tuned_model.model, TUNED_ENDPOINT_KEY: job.tuned_model.endpoint}


@task.sensor(
    poke_interval=POKE_INTERVAL.total_seconds(), timeout=TRAINING_DATA_TIMEOUT.total_seconds(), mode="reschedule"
)
def wait_for_training_data() -> bool:
    """GCSHook.exists in a light sensor: the provider's GCS sensor module costs seconds on every DAG parse."""
    from genops.core import storage

    return storage.exists(config.get("GENOPS_DATA_BUCKET"), config.get("GENOPS_TRAINING_DATA_OBJECT"))


@task
def validate_training_data() -> dict:
    """Download the training file and check it; bad data fails here (no retry), before any tuning call."""
    import tempfile
    from pathlib import Path

    from genops.core import storage
    from genops.tuning.training_data import TrainingDataError, validate_file

    bucket, object_name = config.get("GENOPS_DATA_BUCKET"), config.get("GENOPS_TRAINING_DATA_OBJECT")
    uri = storage.gcs_uri(bucket, object_name)
    with tempfile.TemporaryDirectory() as tmp:
        path = storage.download(bucket, object_name, Path(tmp) / "training_data.jsonl")
        try:
            summary = validate_file(path, source=uri)
        except TrainingDataError as err:
            raise AirflowFailException(str(err)) from None
    log.info("%s: %d examples, %d bytes", uri, summary.examples, summary.size_bytes)
    return {**summary.as_dict(), "gcs_uri": uri}


@task
def start_tuning_job(training_data: dict) -> str:
    return start_job(training_data["gcs_uri"])


@task.sensor(poke_interval=POKE_INTERVAL.total_seconds(), timeout=TUNING_TIMEOUT.total_seconds(), mode="reschedule")
def wait_for_tuning_job(job_name: str) -> bool:
    """Poll the job; once it succeeded, publish the tuned model to XCom (keys as the provider operator's)."""
    tuned = poll_job(job_name)
    if tuned is None:
        return False
    ti = get_current_context()["ti"]
    for key, value in tuned.items():
        ti.xcom_push(key=key, value=value)
    return True


def tuning_tasks(group_id: str = "tuning"):
    """Wait for the training file, validate it, tune, wait without a worker slot.

    Returns the sensor's XComArg: `tuning_tasks()[TUNED_ENDPOINT_KEY]` is the tuned endpoint for later tasks.
    """
    with TaskGroup(group_id, tooltip="Supervised fine-tuning on GENOPS_TRAINING_DATA_OBJECT"):
        training_data = validate_training_data()
        wait_for_training_data() >> training_data
        return wait_for_tuning_job(start_tuning_job(training_data))
