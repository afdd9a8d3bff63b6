"""The DAG runner of these tests: each run works on a private copy, so one run's conf is never the next run's
default. Airflow 2 copies an operator's params shallowly and writes a run's conf into its Param objects
(ParamsDict.__setitem__ -> Param.resolve), as the copy's run does here."""

from __future__ import annotations

from tests.dags.runner import private_copy


def defaults(dag) -> dict[str, str]:
    return {task.task_id: task.params.get_param("model_setting").value for task in dag.tasks}


def test_a_conf_written_into_a_copys_params_leaves_the_dag_and_other_copies_as_they_were(dagbag):
    dag = dagbag.get_dag("run_evaluation")
    before = defaults(dag)
    assert set(before.values()) == {"GENOPS_FLASH_MODEL"}

    first = private_copy(dag)
    for task in first.tasks:  # what Airflow 2 does with a run's conf {"model_setting": "GENOPS_PRO_MODEL"}
        task.params["model_setting"] = "GENOPS_PRO_MODEL"

    assert set(defaults(first).values()) == {"GENOPS_PRO_MODEL"}
    assert defaults(dag) == before, "a run's conf became the DAG's default"
    assert defaults(private_copy(dag)) == before
