"""`make local` only: Airflow imports this module (`airflow_local_settings`) in each of its processes at start.

In the scheduler, and only when the runner asks (AIRFLOW_LOCAL_PRELOAD=1), it imports the SDKs the lab tasks use
before the LocalExecutor forks its workers. Every task process is forked from a worker, so it starts with them
loaded instead of importing google-genai, the Vertex AI SDK and the provider's hooks again: that import is
most of a lab task's start-up time. Parsing is unaffected (the DAG processor imports nothing here), and
nothing is imported that opens a connection or starts a thread.
"""

from __future__ import annotations

import importlib
import os
import sys

PRELOAD = (
    "google.genai",
    "airflow.providers.google.cloud.hooks.gen_ai",
    "airflow.providers.google.cloud.operators.gen_ai",
    "airflow.providers.google.cloud.hooks.gcs",
    "airflow.providers.google.cloud.hooks.bigquery",
    "airflow.providers.google.cloud.transfers.gcs_to_bigquery",
    "vertexai",
    "vertexai.evaluation",
    "pandas",
)

if os.environ.get("AIRFLOW_LOCAL_PRELOAD") == "1" and sys.argv[1:2] == ["scheduler"]:
    for _name in PRELOAD:
        try:
            importlib.import_module(_name)
        except Exception as _error:  # a slower task, never a broken scheduler
            print(f"[make local] preloading {_name} failed: {_error}", file=sys.stderr)
