"""The provider's GCSToBigQueryOperator, loading at most once per task of a DAG run.

Everything is the provider's (configuration, table link, XCom `job_id`, deferral, `on_kill` cancelling the
job) except the job id: the provider either makes a fresh one per try (`force_rerun=True`: a retry appends
the rows again) or, with `force_rerun=False`, refuses a retry whose job already finished ("Job is already
in state DONE"). Here the id comes from `genops.core.load_jobs` and a retry reattaches to a finished job.
"""

from __future__ import annotations

from functools import partial

from airflow.providers.google.cloud.transfers.gcs_to_bigquery import GCSToBigQueryOperator

from genops.core.load_jobs import job_id_for_context, submit_once


class LoadOnceGCSToBigQueryOperator(GCSToBigQueryOperator):
    def execute(self, context):
        self._load_context = context
        return super().execute(context)

    def _submit_job(self, hook, job_id: str):
        project_id = self.project_id or hook.project_id
        insert = partial(
            hook.insert_job,
            configuration=self.configuration,
            project_id=project_id,
            location=self.location,
            timeout=self.result_timeout,
            retry=self.result_retry,
            nowait=True,
        )
        get = partial(hook.get_job, project_id=project_id, location=self.location)
        return submit_once(
            lambda candidate: insert(job_id=candidate),
            lambda candidate: get(job_id=candidate),
            job_id_for_context(self._load_context, self.configuration),
        )
