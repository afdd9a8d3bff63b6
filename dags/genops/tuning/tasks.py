"""Supervised fine-tuning without holding a worker: start the Vertex AI tuning job, then poll it in reschedule mode.

The provider's GenAISupervisedFineTuningTrainOperator sleeps inside a worker slot until the job ends (an hour
or more). Here the job is started by one short task, and a sensor in mode="reschedule" checks it every
POKE_INTERVAL, giving the slot back between checks. Both DAGs that tune share these tasks via `tuning_tasks()`. The
job itself (created once per DAG run, found again by its labels, cancelled when the wait gives up) is
`genops.tuning.jobs`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from genops.core import config
from genops.core.compat import AirflowFailException, TaskGroup, get_current_context, task
from genops.core.job_waits import CancellingJobSensor

log = logging.getLogger(__name__)

POKE_INTERVAL = timedelta(minutes=5)  # between checks of the training file and of the tuning job
TRAINING_DATA_TIMEOUT = timedelta(hours=6)
TUNING_TIMEOUT = timedelta(hours=24)

# XCom keys of the tuned model, the same the provider's GenAISupervisedFineTuningTrainOperator pushes.
TUNED_MODEL_KEY, TUNED_ENDPOINT_KEY = "tuned_model_name", "tuned_model_endpoint_name"
# The base model of the tuned model: it shares the base's retirement date (genops.models.lifecycle).
TUNED_BASE_MODEL_KEY = "tuned_model_base_model"


def genai_client():
    """The google-genai client for GENOPS_PROJECT_ID/GENOPS_REGION, built by the provider's GenAI hook."""
    from genops.gemini.calls import genai_client

    return genai_client("the Vertex AI tuning job")


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
    """Start this run's tuning job, or reattach to the one an earlier try started; returns its resource name."""
    from genops.tuning.jobs import RunLineage, start_or_reattach

    context = get_current_context()
    ti = context["ti"]
    job = start_or_reattach(
        genai_client(),
        RunLineage(context["dag"].dag_id, context["run_id"], ti.try_number),
        base_model=config.get("GENOPS_TUNING_SOURCE_MODEL"),
        training_data_uri=training_data["gcs_uri"],
        display_name=config.get("GENOPS_TUNED_MODEL_DISPLAY_NAME"),
    )
    return job.name


class TuningJobSensor(CancellingJobSensor):
    """Poll a tuning job in reschedule mode; publish its tuned model; cancel it when the wait gives up.

    Fails at once (no retry) on every end state without a model, so a failed, cancelled, expired, paused
    or partially succeeded job is reported when it happens, not after the 24 h timeout. When the timeout
    is reached or the task is killed (run marked failed, task stopped), the job is cancelled, so nothing
    keeps training, and billing, for a run that stopped waiting.
    """

    template_fields = ("job_name",)
    ui_color = "#e6f4ea"
    job_kind = "tuning job"

    def __init__(self, *, job_name: str, **kwargs) -> None:
        kwargs.setdefault("mode", "reschedule")
        kwargs.setdefault("poke_interval", POKE_INTERVAL.total_seconds())
        kwargs.setdefault("timeout", TUNING_TIMEOUT.total_seconds())
        super().__init__(**kwargs)
        self.job_name = job_name

    def poke(self, context) -> bool:
        from genops.tuning.jobs import TuningJobEnded, state_of, tuned_model

        client = genai_client()  # keep a reference: a dropped google-genai Client closes its HTTP connection
        job = client.tunings.get(name=self.job_name)
        log.info("Tuning job %s is %s", self.job_name, state_of(job))
        try:
            tuned = tuned_model(job)
        except TuningJobEnded as err:
            raise AirflowFailException(str(err)) from None
        if tuned is None:
            return False
        context["ti"].xcom_push(key=TUNED_MODEL_KEY, value=tuned["model"])
        context["ti"].xcom_push(key=TUNED_ENDPOINT_KEY, value=tuned["endpoint"])
        base = tuned["base_model"] or config.get("GENOPS_TUNING_SOURCE_MODEL")
        context["ti"].xcom_push(key=TUNED_BASE_MODEL_KEY, value=base)
        return True

    def waited_job(self) -> str | None:
        return self.job_name

    def cancel_if_running(self, job_name: str, why: str) -> None:
        from genops.tuning.jobs import cancel_if_running

        cancel_if_running(genai_client(), job_name, why)


def tuning_tasks(group_id: str = "tuning", *, after=None):
    """Wait for the training file, validate it, tune, wait without a worker slot.

    `after`: a task that must succeed first (the DAG's preflight). Returns the sensor's XComArg:
    `tuning_tasks()[TUNED_ENDPOINT_KEY]` is the tuned endpoint for later tasks.
    """
    with TaskGroup(group_id, tooltip="Supervised fine-tuning on GENOPS_TRAINING_DATA_OBJECT"):
        training_data = validate_training_data()
        wait = wait_for_training_data()
        wait >> training_data
        if after is not None:  # e.g. the DAG's preflight
            after >> wait
        job_name = start_tuning_job(training_data)
        return TuningJobSensor(task_id="wait_for_tuning_job", job_name=job_name).output
