"""model_lifecycle: once a day, check every configured Gemini model, and the base model of the tuned endpoint
last published, against the model table's retirement dates and models.get.

A model within 30 days of retirement passes with a warning decision and the log line
GEMINI_MODEL_LIFECYCLE, which the Cloud Monitoring alert policy "Gemini model retiring" matches;
a retired or missing model fails the run. It spends nothing (models.get and tuningJobs.list are free).
"""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.dag_factory import lab_dag
from genops.gates.lifecycle import check_model_lifecycle

with lab_dag(
    "model_lifecycle",
    description="Daily: warn 30 days before a configured Gemini model (or a tuned endpoint's base) retires.",
    tags=["lab", "lifecycle"],
    doc_md=__doc__,
    schedule="@daily",
) as dag:
    check_model_lifecycle()
