"""Lab 3 (Airflow DAG): supervised fine-tuning on Vertex AI that waits for the tuning job without holding a worker."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.dag_factory import lab_dag
from genops.gates.tasks import preflight
from genops.tuning.tasks import tuning_tasks

with lab_dag(
    "supervised_fine_tuning",
    description="Wait for the training JSONL in the data bucket, validate it, start a Vertex AI tuning job "
    "and poll it in reschedule mode; publishes the tuned model and endpoint.",
    tags=["lab", "tuning"],
) as dag:
    tuning_tasks(after=preflight(settings=["GENOPS_TUNING_SOURCE_MODEL"], produced_metrics=[]))
