"""Lab 7 (Airflow DAG): the canary. Every day, evaluate the model that is served on the evaluation dataset, store
the row in model_evaluations, and compare each metric with the baseline recorded when the model was approved."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.evaluation.answers import BatchPredictionSensor
from genops.evaluation.scoring import EVALUATED_METRICS
from genops.gates.tasks import preflight, within_daily_budget

DOC = """
Evaluates what is served, on `GENOPS_CANARY_SCHEDULE` (cron, UTC): the tuned endpoint the last approval in
`genops_pipeline` recorded (a `served` row of model_evaluations, whose scores are the baseline), or, before any
approval, `GENOPS_FLASH_MODEL` with the baseline `GENOPS_CANARY_BASELINE`. The canary's own row is a `canary` row
of model_evaluations (one per run, whatever retries). A metric that dropped more than
`GENOPS_REGRESSION_TOLERANCE` of its range below the baseline is a regression: `compare_with_baseline` records it
(XCom "decision": metric, baseline, value, drop) and logs a `CANARY_REGRESSION` line, which the canary
alert policy pages on. Runbook: docs/approval-and-canary.md.
"""

with lab_dag(
    "canary_evaluation",
    description="Evaluate the served model on the evaluation dataset, store the canary row in model_evaluations, "
    "and compare each metric with the served baseline (GENOPS_REGRESSION_TOLERANCE).",
    doc_md=DOC,
    tags=["lab", "evaluation", "canary"],
    schedule=config.get("GENOPS_CANARY_SCHEDULE"),
) as dag:

    @task
    def served_model() -> dict:
        """The served model and its baseline: the last approved tuned endpoint, else the configured model."""
        from genops.gates import baseline

        served = baseline.served(EVALUATED_METRICS)
        print(f"Served model: {served.model} ({served.source}); baseline {served.baseline or 'none'}")
        return served.as_dict()

    def canary_profile(served: dict):
        """A tuned endpoint is sampled as it is served; the configured model with the profile its evaluation uses."""
        from genops.evaluation.scoring import EVAL_GENERATION_PROFILE, evaluation_profile

        return EVAL_GENERATION_PROFILE if served["approved"] else evaluation_profile("GENOPS_FLASH_MODEL")

    @task
    def submit_canary(served: dict) -> dict:
        """Online, or the run's batch prediction job for the configured model (an endpoint is answered online)."""
        from genops.evaluation.answers import submit
        from genops.evaluation.batch import ONLINE
        from genops.gates.baseline import CANARY
        from genops.gemini.prompts import load_eval_dataset

        return submit(
            load_eval_dataset(),
            model_config=CANARY,
            model=served["model"],
            profile=canary_profile(served),
            context=get_current_context(),
            mode=ONLINE if served["approved"] else None,
            base_model=served.get("base_model"),
        )

    @task
    def evaluate_served_model(submission: dict, served: dict) -> dict:
        """The same evaluation as run_evaluation and genops_pipeline, of the served model, as a `canary` row
        (a tuned endpoint's base model, from its served row, in the row and the answers' usage ledger rows)."""
        from genops.evaluation.model_evaluation import evaluate_model

        return evaluate_model(
            submission=submission,
            profile=canary_profile(served),
            context=get_current_context(),
            base_model=served.get("base_model"),
        )

    @task
    def store_canary_row(row: dict) -> str:
        """Write the canary row to model_evaluations once per run (a retry finds it and writes nothing)."""
        from genops.gates import baseline

        written = baseline.store_once(row)
        print(f"Canary row {row['evaluation_id']}: {'written' if written else 'already stored'}")
        return row["evaluation_id"]

    @task
    def compare_with_baseline(row: dict, served: dict) -> dict:
        """Compare each metric with the baseline; a drop beyond GENOPS_REGRESSION_TOLERANCE is recorded and logged."""
        from genops.gates import regression
        from genops.gates.tasks import publish

        context = get_current_context()
        decision = regression.regression_decision(
            row, served["baseline"], config.fraction("GENOPS_REGRESSION_TOLERANCE"), model=served["model"]
        )
        publish(decision)
        for line in regression.marker_lines(decision, dag_id=context["dag"].dag_id, run_id=context["run_id"]):
            print(line)
        return decision.as_dict()

    checked = preflight(
        settings=[
            "GENOPS_FLASH_MODEL",
            "GENOPS_EVAL_CONCURRENCY",
            "GENOPS_EVAL_MODE",
            "GENOPS_BATCH_MIN_EXAMPLES",
            "GENOPS_EXPERIMENT_NAME",
            "GENOPS_REGRESSION_TOLERANCE",
            "GENOPS_CANARY_BASELINE",
        ],
        produced_metrics=list(EVALUATED_METRICS),
    )
    served = served_model()
    checked >> served
    submission = submit_canary(served)
    within_daily_budget() >> submission  # the first Gemini spend, online or batch, is downstream of it
    # Batch: waits for the job without holding a worker slot (reschedule); online: done at once.
    answered = BatchPredictionSensor(task_id="wait_for_batch", submission=submission)
    row = evaluate_served_model(answered.output, served)
    compare_with_baseline(row, served) << store_canary_row(row)
