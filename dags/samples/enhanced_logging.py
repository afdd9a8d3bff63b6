"""Sample (Airflow DAG): a failure callback that asks Gemini to explain a failed task and logs the answer.

`check_partner_orders` validates a staged CSV; the staged sample has a bad row on purpose, so the task
fails (without retries: bad data does not fix itself) and `explain_failure` logs Gemini's explanation
under the error. The callback is budget-limited, cannot recurse and never hides the failure: the task and
the run stay failed. Stage a clean file to see the run succeed without any Gemini call.
"""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.compat import task
from genops.core.dag_factory import lab_dag
from genops.samples.failure_explainer import explain_failure

PARTNER_ORDERS = ("logging", "partner_orders.csv")  # under <GENOPS_SAMPLES_PREFIX>/inputs/

with lab_dag(
    "enhanced_logging",
    description="Validate a partner CSV; when a task fails, a budget-limited, non-recursive failure callback "
    "asks Gemini to explain the error and logs the answer (the task stays failed).",
    tags=["sample", "callbacks"],
) as dag:

    @task(on_failure_callback=explain_failure)
    def check_partner_orders() -> dict:
        """Every row needs an order id and a numeric amount; the first bad row fails the task, naming the fix."""
        from genops.core.compat import AirflowFailException
        from genops.samples import locations
        from genops.samples.gcs import read_text
        from genops.samples.orders import OrderFeedError, check_orders

        object_name = locations.input_object(*PARTNER_ORDERS)
        try:
            return check_orders(read_text(object_name), source=locations.uri(object_name))
        except OrderFeedError as err:
            raise AirflowFailException(str(err)) from None

    check_partner_orders()
