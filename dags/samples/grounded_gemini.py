"""Sample (Airflow DAG): answers grounded in Google Search and in a Vertex AI Search data store.

The Google Search question always runs. The data store question needs GENOPS_SEARCH_DATA_STORE (and the
discoveryengine API, which Terraform enables when the setting is given): unset, it is skipped with a log
line that says how to turn it on. Grounded answers are plain text and end here; nothing loads them.
"""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.dag_factory import lab_dag
from genops.gates.tasks import within_daily_budget
from genops.gemini import tasks as gemini
from genops.samples import grounding

with lab_dag(
    "grounded_gemini",
    description="Ask Gemini a question grounded in Google Search, and one grounded in the Vertex AI Search "
    "data store GENOPS_SEARCH_DATA_STORE (skipped when unset).",
    tags=["sample", "grounding"],
) as dag:
    search = gemini.generate_content(
        "ask_google_search", profile=grounding.SEARCH_PROFILE, contents=[grounding.SEARCH_QUESTION]
    )
    data_store = grounding.DATA_STORE.gate("data_store_configured")
    data_store >> gemini.generate_content(
        "ask_data_store", profile=grounding.DATA_STORE_PROFILE, contents=[grounding.DATA_STORE_QUESTION]
    )
    within_daily_budget() >> [search.operator, data_store.operator]
