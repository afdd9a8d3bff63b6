"""Labels that tie a paid Vertex AI job to the DAG run that created it, so a retry or a Clear finds it again.

Vertex AI's create calls (tuning jobs, batch prediction jobs) have no idempotency key, and a job is paid from
the moment it exists. Every job the DAGs create carries these labels; before creating one, a task lists the
project's jobs with the run's labels (Vertex AI's list filter, `labels.<key>="<value>"` joined with AND) and
reattaches to the job an earlier try created.
"""

from __future__ import annotations

from dataclasses import dataclass

from genops.core.naming import label_value

# Label keys (lowercase letters, digits, '_'; '-' would read as an operator in the list filter).
DAG_LABEL, RUN_LABEL, TRY_LABEL = "genops_dag", "genops_run", "genops_try"


@dataclass(frozen=True)
class RunLineage:
    dag_id: str
    run_id: str
    try_number: int

    def run_labels(self) -> dict[str, str]:
        """The labels every try of this run looks for."""
        return {DAG_LABEL: label_value(self.dag_id), RUN_LABEL: label_value(self.run_id)}

    def labels(self) -> dict[str, str]:
        """The labels a new job gets: the run's, and the try that created it."""
        return {**self.run_labels(), TRY_LABEL: str(self.try_number)}


def labels_filter(labels: dict[str, str]) -> str:
    """Vertex AI's list filter for jobs carrying every label of `labels`."""
    return " AND ".join(f'labels.{key}="{value}"' for key, value in sorted(labels.items()))


def state_of(job) -> str:
    """A google-genai job's state name (TuningJob, BatchJob)."""
    return getattr(job.state, "value", job.state) or "JOB_STATE_UNSPECIFIED"
