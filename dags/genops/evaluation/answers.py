"""An evaluation's answers, online or from a batch prediction job, in three steps every evaluating DAG uses:

1. `submit` (a short task) picks the mode (GENOPS_EVAL_MODE; auto: batch from GENOPS_BATCH_MIN_EXAMPLES
   examples). Online, it only says so. Batch, it reattaches to the job an earlier try of the run created for
   the configuration, or estimates the job's cost, refuses it over the daily budget, writes the requests to
   the data bucket and creates the job (genops.evaluation.batch).
2. `BatchPredictionSensor` waits in mode="reschedule": the worker slot is given back between checks. Online
   there is nothing to wait for. It fails at once on every end state without answers, with the job's error,
   and cancels the job when the wait times out or the task is killed.
3. `answers` (inside the task that scores) generates the answers online (genops.evaluation.scoring), or reads
   the job's predictions back in the examples' order.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from genops.core import config
from genops.core.compat import AirflowFailException, PokeReturnValue
from genops.core.job_waits import CancellingJobSensor
from genops.gemini.profiles import GenerationProfile

log = logging.getLogger(__name__)

POKE_INTERVAL = timedelta(minutes=1)
# Vertex AI expires a batch job that has not finished in time by itself (JOB_STATE_EXPIRED); this bound only
# stops a wait for a job that neither ends nor expires.
BATCH_TIMEOUT = timedelta(hours=80)


def genai_client(what: str):
    from genops.gemini.calls import genai_client

    return genai_client(what)


def _lineage(context):
    from genops.core.lineage import RunLineage

    return RunLineage(context["dag"].dag_id, context["run_id"], context["ti"].try_number)


def submit(
    examples: list[dict],
    *,
    model_config: str,
    model: str,
    profile: GenerationProfile,
    context,
    batch_model: str | None = None,
    mode: str | None = None,
    base_model: str | None = None,
) -> dict:
    """How `model_config` is answered, as a `Submission` dict; in batch mode its job exists when this returns.

    `model` is what online requests name; `batch_model` what the batch job names when it differs (a tuned
    model's resource instead of its endpoint). `mode`: the run's own choice (a DAG param), else GENOPS_EVAL_MODE.
    `base_model`: a tuned model's base model, recorded with the estimate's token counts in the usage ledger.
    """
    from genops.core import storage
    from genops.evaluation import batch
    from genops.gates.tasks import batch_within_daily_budget

    mode = batch.choose_mode(len(examples), mode)
    submission = batch.Submission(model_config=model_config, model=model, profile=profile.name, mode=mode)
    if mode == batch.ONLINE:
        log.info("%s: %d examples, answered online", model_config, len(examples))
        return submission.as_dict()
    client = genai_client(f"the batch prediction job of {model_config}")
    lineage = _lineage(context)
    existing = batch.find_run_job(client, lineage, model_config)
    if existing is not None:
        log.info(
            "Reattaching to batch prediction job %s (state %s) of %s in run %s; not submitting another",
            existing.name,
            batch.state_of(existing),
            model_config,
            lineage.run_id,
        )
        return {**submission.as_dict(), "job": existing.name}
    estimate = batch.estimate(client, examples, model=model, profile=profile, base_model=base_model)
    what = f"the batch job of {model_config} ({estimate.requests} requests to {batch_model or model})"
    decision = batch_within_daily_budget(what=what, estimated_tokens=estimate.tokens, estimated_usd=estimate.usd)
    context["ti"].xcom_push(key="decision", value=decision.as_dict())
    if not decision.passed:
        raise AirflowFailException(
            f"Refusing to submit {what}: {decision.reason}. Nothing was submitted; raise the daily budget "
            f"or evaluate fewer examples, and trigger a new run (or clear this task tomorrow)."
        )
    bucket = config.get("GENOPS_DATA_BUCKET")
    prefix = batch.object_prefix(lineage, model_config)
    source = storage.upload_text(
        bucket,
        f"{prefix}/requests.jsonl",
        batch.request_jsonl(client, examples, model=model, profile=profile),
        mime_type="application/jsonl",
    )
    job = batch.create_job(
        client,
        lineage,
        model_config=model_config,
        model=batch_model or model,
        src=source,
        dest=storage.gcs_uri(bucket, f"{prefix}/{batch.PREDICTIONS_PREFIX}"),
    )
    return {**submission.as_dict(), "job": job.name}


class BatchPredictionSensor(CancellingJobSensor):
    """Wait for a submission's batch prediction job in reschedule mode; return the submission when answered.

    Online submissions are done at once. Fails at once (no retry) on failed, cancelled, expired and partially
    succeeded jobs, with the job's error; cancels the job when the wait times out or the task is killed.
    """

    template_fields = ("submission",)
    ui_color = "#e8f0fe"
    job_kind = "batch prediction job"

    def __init__(self, *, submission, **kwargs) -> None:
        kwargs.setdefault("mode", "reschedule")
        kwargs.setdefault("poke_interval", POKE_INTERVAL.total_seconds())
        kwargs.setdefault("timeout", BATCH_TIMEOUT.total_seconds())
        super().__init__(**kwargs)
        self.submission = submission

    def poke(self, context):
        from genops.evaluation.batch import BatchJobEnded, answers_directory, state_of

        job_name = self.submission.get("job")
        if not job_name:
            return PokeReturnValue(is_done=True, xcom_value=self.submission)
        client = genai_client(f"checking batch prediction job {job_name}")
        job = client.batches.get(name=job_name)
        log.info("Batch prediction job %s is %s", job_name, state_of(job))
        try:
            directory = answers_directory(job)
        except BatchJobEnded as err:
            raise AirflowFailException(str(err)) from None
        if directory is None:
            return False
        return PokeReturnValue(is_done=True, xcom_value={**self.submission, "output": directory})

    def waited_job(self) -> str | None:
        return (self.submission or {}).get("job") or None  # online: no job

    def cancel_if_running(self, job_name: str, why: str) -> None:
        from genops.evaluation.batch import cancel_if_running

        cancel_if_running(genai_client(f"cancelling batch prediction job {job_name}"), job_name, why)


def answers(
    examples: list[dict], submission: dict, *, profile: GenerationProfile, context, base_model: str | None = None
) -> list[dict]:
    """The evaluation rows for `submission` (as the sensor returned it): generated online, or the batch job's
    answers in the examples' order, each recorded in the usage ledger at the batch price (with `base_model`, a
    tuned model's base model)."""
    from genops.evaluation.batch import ONLINE, MissingAnswers, read_answers
    from genops.evaluation.scoring import generate_responses
    from genops.gemini.usage import CallContext

    if submission["mode"] == ONLINE:
        return generate_responses(examples, model=submission["model"], profile=profile, base_model=base_model)
    describe = f"Configuration {submission['model_config']!r}, batch prediction job {submission['job']}"
    try:
        return read_answers(
            submission["output"],
            examples,
            model=submission["model"],
            profile=submission["profile"],
            context=CallContext.from_airflow(context),
            describe=describe,
            base_model=base_model,
        )
    except MissingAnswers as err:
        raise AirflowFailException(str(err)) from None
