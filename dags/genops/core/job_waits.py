"""Waiting for a paid Vertex AI job (a tuning job, a batch prediction job) without letting it outlive the wait.

A job is paid while it runs. `CancellingJobSensor` is the sensor that waits for one: when its timeout is reached
or the task is killed (run marked failed, task stopped), it cancels the job, so nothing keeps running, and
billing, for a run that stopped waiting. `cancel_if_running` sends the cancel only to a job that has not ended.
"""

from __future__ import annotations

import logging

from genops.core.compat import AirflowSensorTimeout, BaseSensorOperator
from genops.core.lineage import state_of

log = logging.getLogger(__name__)

# States in which the job still runs (and costs): cancel it when the wait gives up.
CANCELLABLE = {"JOB_STATE_QUEUED", "JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_UPDATING", "JOB_STATE_PAUSED"}


def cancel_if_running(jobs, job_name: str, why: str, *, kind: str) -> bool:
    """Cancel the job unless it already ended; returns whether a cancel was sent.

    `jobs`: the google-genai client's `tunings` or `batches`; `kind`: the job in log lines ("tuning job").
    """
    state = state_of(jobs.get(name=job_name))
    if state not in CANCELLABLE:
        log.info("%s %s is %s; nothing to cancel (%s)", kind.capitalize(), job_name, state, why)
        return False
    log.warning("Cancelling %s %s (state %s): %s", kind, job_name, state, why)
    jobs.cancel(name=job_name)
    return True


class CancellingJobSensor(BaseSensorOperator):
    """A sensor waiting for a paid job, which it cancels when the wait times out or the task is killed.

    A subclass names its job (`job_kind`, e.g. "tuning job"), says which job it waits for (`waited_job`) and
    how to cancel it (`cancel_if_running`).
    """

    job_kind = "job"

    def waited_job(self) -> str | None:
        """The resource name of the job this sensor waits for; None when there is none."""
        raise NotImplementedError

    def cancel_if_running(self, job_name: str, why: str) -> None:
        """Cancel the job unless it already ended (see `cancel_if_running` above)."""
        raise NotImplementedError

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowSensorTimeout:
            self.cancel_job(f"the wait timed out after {self.timeout:.0f} s")
            raise

    def on_kill(self) -> None:
        self.cancel_job("the waiting task was killed")

    def cancel_job(self, why: str) -> None:
        """Cancel the job if it still runs; a failure to cancel is logged, never hides why the task stopped."""
        job_name = self.waited_job()
        if job_name is None:
            return
        try:
            self.cancel_if_running(job_name, why)
        except Exception:
            log.exception("Could not cancel %s %s (%s); cancel it in the console", self.job_kind, job_name, why)
