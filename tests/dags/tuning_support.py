"""Helpers for DAGs that tune: the sample training file in the fake bucket, genops_pipeline's fakes, sensors
without waits, poll counts."""

from __future__ import annotations

import copy

from genops.tuning.training_data import SAMPLE_DATASET
from tests.dags.conftest import TEST_SETTINGS
from tests.dags.fakes import (
    ClientFactory,
    FakeEvaluationService,
    FakeGCS,
    install_fake_evaluation,
    install_fake_gcs,
    install_fake_genai,
)
from tests.dags.tuning_fakes import TuningGenAIClient

TRAINING_OBJECT = "training/sft_train.jsonl"  # GENOPS_TRAINING_DATA_OBJECT's default


def bucket_with_training_data(data: bytes | None = None) -> FakeGCS:
    gcs = FakeGCS()
    gcs.put(TEST_SETTINGS["GENOPS_DATA_BUCKET"], TRAINING_OBJECT, SAMPLE_DATASET.read_bytes() if data is None else data)
    return gcs


def install_pipeline_fakes(
    monkeypatch, summaries: list[dict], total_tokens: int = 42
) -> tuple[ClientFactory, FakeEvaluationService]:
    """genops_pipeline's network edge: a tuning job that succeeds (its client counts `total_tokens`), the training
    file in the bucket, and an evaluation service returning `summaries` in turn."""
    genai = install_fake_genai(monkeypatch, TuningGenAIClient(total_tokens=total_tokens))
    install_fake_gcs(monkeypatch, bucket_with_training_data())
    return genai, install_fake_evaluation(monkeypatch, FakeEvaluationService(summaries=summaries))


def without_poke_waits(dag):
    """A copy of `dag` whose sensors poll again at once: dag.test() re-runs rescheduled sensors when due."""
    dag = copy.deepcopy(dag)
    for task in dag.tasks:
        if hasattr(task, "poke_interval"):
            task.poke_interval = 0
    return dag


def reschedules(result, task_id: str) -> int:
    """How many times the task went to up_for_reschedule (rows Airflow writes to task_reschedule)."""
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session

    ti = next(ti for ti in result.task_instances if ti.task_id == task_id)
    with create_session() as session:
        return len(session.scalars(TaskReschedule.stmt_for_task_instance(ti)).all())


def allow_reschedule_on_sqlite(monkeypatch) -> None:
    """Airflow 2.11's unit-test config names LocalExecutor; its reschedule check refuses that on SQLite.

    dag.test() runs no executor at all, so the check does not apply; this is Airflow's own switch for tests.
    """
    monkeypatch.setenv("_AIRFLOW__SKIP_DATABASE_EXECUTOR_COMPATIBILITY_CHECK", "1")
