"""Run a DAG for real with `dag.test()` (Airflow 2.11 and 3.x) and read back what happened."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta


def _name(state) -> str | None:
    return getattr(state, "value", state)


@dataclass
class RunResult:
    state: str
    task_instances: list = field(repr=False)

    @property
    def task_states(self) -> dict[str, str | None]:
        """State per task id (unmapped tasks, and the first instance of mapped ones)."""
        return {ti.task_id: _name(ti.state) for ti in self.task_instances if ti.map_index < 1}

    def mapped_states(self, task_id: str) -> list[str | None]:
        return [
            _name(ti.state) for ti in sorted(self.task_instances, key=lambda t: t.map_index) if ti.task_id == task_id
        ]

    def try_numbers(self) -> dict[str, int]:
        """The try each task ended on (unmapped tasks, and the first instance of mapped ones)."""
        return {ti.task_id: ti.try_number for ti in self.task_instances if ti.map_index < 1}

    def xcom(self, task_id: str, key: str = "return_value", map_index: int = -1):
        ti = next(ti for ti in self.task_instances if ti.task_id == task_id)
        return ti.xcom_pull(task_ids=task_id, key=key, map_indexes=map_index)


def private_copy(dag):
    """A copy of `dag` that a run may change without touching `dag` or any other copy.

    It keeps mapped TaskFlow tasks' `expand_input`: Airflow compares it by identity with the EXPAND_INPUT_EMPTY
    singleton, which a plain deepcopy would duplicate. Each task gets its own Param objects: Airflow 2 copies an
    operator's params shallowly and writes a run's conf into them (Param.resolve), so without this one run's
    conf would become the next run's defaults.
    """
    keep = {id(task.expand_input): task.expand_input for task in dag.tasks if hasattr(task, "expand_input")}
    copied = copy.deepcopy(dag, keep)
    for task in copied.tasks:
        if task.params:
            task.params = copy.deepcopy(task.params)
    return copied


def run_dag(dag, conf: dict | None = None, *, retries: bool = False, logical_date=None) -> RunResult:
    """Run a private copy of `dag`; every operator, template and XCom is real.

    retries=False (the default, for tests of one attempt's behaviour): every task runs once, so a failure
    is final. retries=True (for any test about retrying, e.g. a failure injected after a side effect): every
    task keeps its own `retries` (DAG defaults: 2, or the task's own) and its retry happens as the scheduler
    would run it, a new try of the same task instance; only the wait between tries is cut to nothing
    (retry_delay 0, no exponential backoff), because `dag.test()` sleeps through it.

    The copy is `private_copy(dag)`.
    """
    dag = private_copy(dag)
    for task in dag.tasks:
        if retries:
            task.retry_delay = timedelta(0)
            task.retry_exponential_backoff = False
        else:
            task.retries = 0
    when = {}
    if logical_date is not None:  # the run's day (e.g. a lifecycle check on a given date)
        import inspect

        name = "logical_date" if "logical_date" in inspect.signature(dag.test).parameters else "execution_date"
        when[name] = logical_date
    dag_run = dag.test(run_conf=conf or {}, **when)
    return RunResult(state=_name(dag_run.state), task_instances=list(dag_run.get_task_instances()))
