"""Run a DAG with `dag.test()` keeping every task's own retries, so a failure injected after a side effect
is followed by the retry the deployed DAG would make (with no retry delay)."""

from __future__ import annotations

import copy
from datetime import timedelta

from tests.dags.runner import RunResult, _name


def run_dag_retrying(dag, conf: dict | None = None) -> RunResult:
    keep = {id(task.expand_input): task.expand_input for task in dag.tasks if hasattr(task, "expand_input")}
    dag = copy.deepcopy(dag, keep)
    for task in dag.tasks:
        assert task.retries >= 1, f"{task.task_id} has no retries: a retry test must keep them"
        task.retry_delay = timedelta(0)
        task.retry_exponential_backoff = False
        if hasattr(task, "poke_interval"):
            task.poke_interval = 0
    dag_run = dag.test(run_conf=conf or {})
    return RunResult(state=_name(dag_run.state), task_instances=list(dag_run.get_task_instances()))


def try_number(result: RunResult, task_id: str, map_index: int = -1) -> int:
    """How many tries the task took (Airflow 3 and 2.11 both count the first as 1)."""
    ti = next(ti for ti in result.task_instances if ti.task_id == task_id and ti.map_index == map_index)
    return ti.try_number
