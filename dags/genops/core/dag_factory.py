"""The one place that sets what every GenOps DAG shares: owner, retries, start date, catchup, macros."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from genops.core import config
from genops.core.compat import DAG

OWNER = "genops-platform"
# Fixed, in the past, and never computed from now(): serialized DAGs stay identical between parses.
START_DATE = datetime(2024, 1, 1, tzinfo=UTC)

DEFAULT_ARGS = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
}


def lab_dag(dag_id: str, *, description: str, tags: list[str], doc_md: str | None = None, **kwargs) -> DAG:
    """A DAG with the GenOps defaults: manual schedule, no catchup, one run at a time, GENOPS_ macros."""
    kwargs.setdefault("schedule", None)
    return DAG(
        dag_id=dag_id,
        description=description,
        doc_md=doc_md or description,
        tags=sorted({"genops", *tags}),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        user_defined_macros=config.MACROS,
        render_template_as_native_obj=False,
        **kwargs,
    )
