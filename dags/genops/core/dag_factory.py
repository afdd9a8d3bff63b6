"""The one place that sets what every GenOps DAG shares: owner, retries, start date, catchup, macros, release tag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from genops.core import config, task_end
from genops.core.compat import DAG
from genops.core.release import release_tags

OWNER = "genops-platform"
# Fixed, in the past, and never computed from now(): serialized DAGs stay identical between parses.
START_DATE = datetime(2024, 1, 1, tzinfo=UTC)

DEFAULT_ARGS = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    # Whatever the outcome, work left by the task is finished (e.g. its Gemini usage rows are written).
    "on_success_callback": task_end.run,
    "on_failure_callback": task_end.run,
    "on_retry_callback": task_end.run,
    "on_skipped_callback": task_end.run,
}


def lab_dag(dag_id: str, *, description: str, tags: list[str], doc_md: str | None = None, **kwargs) -> DAG:
    """A DAG with the GenOps defaults: manual schedule, no catchup, one run at a time, GENOPS_ macros."""
    kwargs.setdefault("schedule", None)
    return DAG(
        dag_id=dag_id,
        description=description,
        doc_md=doc_md or description,
        tags=sorted({"genops", *tags, *release_tags()}),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        user_defined_macros=config.MACROS,
        render_template_as_native_obj=False,
        **kwargs,
    )
