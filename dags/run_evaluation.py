"""Lab 4 (Airflow DAG): evaluate a model on the evaluation dataset; record the run in a Vertex AI experiment."""

from __future__ import annotations

from datetime import UTC

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import Param, get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.gates.tasks import within_daily_budget

with lab_dag(
    "run_evaluation",
    description="Generate answers for the evaluation dataset, score them (model-based and computed "
    "metrics) in a Vertex AI experiment, and build the model_evaluations row.",
    tags=["lab", "evaluation"],
    params={
        "model_setting": Param(
            "GENOPS_FLASH_MODEL",
            enum=["GENOPS_FLASH_MODEL", "GENOPS_PRO_MODEL"],
            description="Which configured model to evaluate.",
        )
    },
) as dag:

    @task
    def load_examples() -> list[dict]:
        from genops.gemini.prompts import load_eval_dataset

        return load_eval_dataset()

    @task
    def generate_responses(examples: list[dict]) -> list[dict]:
        from genops.evaluation.scoring import generate_responses

        model = config.get(get_current_context()["params"]["model_setting"])
        return generate_responses(examples, model=model)

    @task
    def evaluate(rows: list[dict], run_name: str) -> dict:
        """Score the responses and turn the SDK's summary into a model_evaluations row."""
        from datetime import datetime

        from genops.evaluation.results import experiment_run_name, metrics_row
        from genops.evaluation.scoring import run_evaluation

        context = get_current_context()
        experiment, run_name = config.get("GENOPS_EXPERIMENT_NAME"), experiment_run_name(run_name)
        summary = run_evaluation(
            rows,
            project_id=config.get("GENOPS_PROJECT_ID"),
            location=config.get("GENOPS_REGION"),
            experiment=experiment,
            run_name=run_name,
        )
        model_setting = context["params"]["model_setting"]
        return metrics_row(
            summary,
            model_config=model_setting.removeprefix("GENOPS_").removesuffix("_MODEL").lower(),
            model=config.get(model_setting),
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            evaluated_at=datetime.now(UTC),
            experiment_name=experiment,
            experiment_run_name=run_name,
        )

    responses = generate_responses(load_examples())
    within_daily_budget() >> responses
    evaluate(responses, run_name="{{ dag.dag_id }}-{{ run_id }}")
