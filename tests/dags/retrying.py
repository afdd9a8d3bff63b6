"""Reading retries back from a `run_dag(..., retries=True)` result, mapped task instances included."""

from __future__ import annotations

from tests.dags.runner import RunResult


def try_number(result: RunResult, task_id: str, map_index: int = -1) -> int:
    """The try the task instance ended on (Airflow 3 and 2.11 both count the first as 1)."""
    return next(ti.try_number for ti in result.task_instances if ti.task_id == task_id and ti.map_index == map_index)
