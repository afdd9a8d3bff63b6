"""Run a provider operator without importing its module when the DAG file is parsed.

`airflow.providers.google.cloud.operators.gen_ai` imports the google-genai SDK at module level, which
costs seconds on every parse. `DeferredImportOperator` holds the operator's dotted path and arguments,
renders the arguments as templates, and only imports and runs the real operator when the task runs:
the provider's own code (hook calls, XCom pushes, return value) is what executes.
"""

from __future__ import annotations

import importlib

from genops.core.compat import BaseOperator

GOOGLE_PROVIDER = "airflow.providers.google."


class DeferredImportOperator(BaseOperator):
    template_fields = ("operator_kwargs",)
    template_fields_renderers = {"operator_kwargs": "json"}
    ui_color = "#e8f0fe"

    def __init__(self, *, operator: str, operator_kwargs: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.operator = operator
        self.operator_kwargs = operator_kwargs

    def operator_class(self) -> type:
        module_name, _, class_name = self.operator.rpartition(".")
        return getattr(importlib.import_module(module_name), class_name)

    def execute(self, context):
        if self.operator.startswith(GOOGLE_PROVIDER):  # no credentials: a clear failure, not a client's trace
            from genops.core.credentials import GCP_CONN_ID, require_google_credentials

            conn_id = self.operator_kwargs.get("gcp_conn_id", GCP_CONN_ID)
            require_google_credentials(f"task {self.task_id!r} ({self.operator})", gcp_conn_id=conn_id)
        operator = self.operator_class()(task_id=self.task_id, **self.operator_kwargs)
        self.log.info("Running %s with rendered arguments", self.operator)
        return operator.execute(context)
