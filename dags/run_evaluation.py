"""Lab 4 (Airflow DAG): evaluate a model on the evaluation dataset; record the run in a Vertex AI experiment."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import Param, get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.evaluation.answers import BatchPredictionSensor
from genops.evaluation.scoring import EVALUATED_METRICS
from genops.gates.tasks import preflight, within_daily_budget

with lab_dag(
    "run_evaluation",
    description="Generate answers for the evaluation dataset (online, or one batch prediction job, per "
    "GENOPS_EVAL_MODE), score them (model-based and computed metrics) in a Vertex AI experiment, and build the "
    "model_evaluations row.",
    tags=["lab", "evaluation"],
    params={
        "model_setting": Param(
            "GENOPS_FLASH_MODEL",
            enum=["GENOPS_FLASH_MODEL", "GENOPS_PRO_MODEL"],
            description="Which configured model to evaluate.",
        ),
        "eval_mode": Param(
            "",
            enum=["", "online", "batch", "auto"],
            description="How this run answers: online, batch or auto; empty: GENOPS_EVAL_MODE.",
        ),
    },
) as dag:

    @task
    def load_examples() -> list[dict]:
        from genops.gemini.prompts import load_eval_dataset

        return load_eval_dataset()

    def model_config(model_setting: str) -> str:
        return model_setting.removeprefix("GENOPS_").removesuffix("_MODEL").lower()

    @task
    def submit(examples: list[dict]) -> dict:
        """Online: nothing to submit. Batch: the run's job (reattached, or estimated, gated, created)."""
        from genops.evaluation.answers import submit
        from genops.evaluation.scoring import evaluation_profile

        context = get_current_context()
        model_setting = context["params"]["model_setting"]
        return submit(
            examples,
            model_config=model_config(model_setting),
            model=config.get(model_setting),
            profile=evaluation_profile(model_setting),
            context=context,
            mode=context["params"].get("eval_mode") or None,
        )

    @task
    def generate_responses(examples: list[dict], submission: dict) -> list[dict]:
        """The answers: generated online, or read back from the batch job in the examples' order."""
        from genops.evaluation.answers import answers
        from genops.evaluation.scoring import evaluation_profile

        context = get_current_context()
        profile = evaluation_profile(context["params"]["model_setting"])
        return answers(examples, submission, profile=profile, context=context)

    @task
    def evaluate(rows: list[dict]) -> dict:
        """Score the responses in this try's experiment run and turn the SDK's summary into a model_evaluations row."""
        from genops.evaluation.model_evaluation import score_responses

        context = get_current_context()
        model_setting = context["params"]["model_setting"]
        return score_responses(
            rows,
            model=config.get(model_setting),
            model_config=model_config(model_setting),
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            try_number=context["ti"].try_number,
        )

    checked = preflight(
        settings=[
            "GENOPS_FLASH_MODEL",
            "GENOPS_PRO_MODEL",
            "GENOPS_EVAL_CONCURRENCY",
            "GENOPS_EVAL_MODE",
            "GENOPS_BATCH_MIN_EXAMPLES",
            "GENOPS_EXPERIMENT_NAME",
        ],
        produced_metrics=list(EVALUATED_METRICS),
    )
    examples = load_examples()
    checked >> examples
    submission = submit(examples)
    within_daily_budget() >> submission  # the first Gemini spend, online or batch, is downstream of it
    # Batch: waits for the job without holding a worker slot (reschedule); online: done at once.
    answered = BatchPredictionSensor(task_id="wait_for_batch", submission=submission)
    responses = generate_responses(examples, answered.output)
    evaluate(responses)
