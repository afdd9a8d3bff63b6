"""Lab 5 (Airflow DAG): the GenOps pipeline. Tune on new training data, evaluate the tuned model, and serve it
only if it passes the metric gate (GENOPS_EVAL_THRESHOLDS) and the prompt passes the budget gate."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.compat import get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.evaluation.scoring import EVAL_GENERATION_PROFILE, EVALUATED_METRICS
from genops.gates.tasks import meets_thresholds, preflight, within_budget, within_daily_budget
from genops.gemini import tasks as gemini
from genops.gemini.prompts import SUMMARY_INSTRUCTION, build_prompt
from genops.tuning.tasks import TUNED_BASE_MODEL_KEY, TUNED_ENDPOINT_KEY, tuning_tasks

# Served in the format the model was tuned on (genops/data/sft_train.jsonl) and sampled as it was evaluated.
SERVING_PROFILE = EVAL_GENERATION_PROFILE
ARTICLE = (
    "A county library began lending power tools, sewing machines and telescopes alongside books. In its first "
    "year the 'library of things' made 6,500 loans, and a survey found most borrowers would otherwise have bought "
    "the item for a single project."
)
PROMPT = build_prompt(SUMMARY_INSTRUCTION, ARTICLE)

with lab_dag(
    "genops_pipeline",
    description="Training data -> validate -> tune (reschedule sensor) -> evaluate the tuned model -> metric gate "
    "-> count tokens -> budget gate -> generate with the tuned endpoint.",
    tags=["lab", "pipeline", "tuning", "evaluation"],
) as dag:
    settings = preflight(
        settings=[
            "GENOPS_TUNING_SOURCE_MODEL",
            "GENOPS_EVAL_THRESHOLDS",
            "GENOPS_EVAL_CONCURRENCY",
            "GENOPS_EXPERIMENT_NAME",
            "GENOPS_TOKEN_BUDGET",
        ],
        produced_metrics=list(EVALUATED_METRICS),
    )
    tuning = tuning_tasks(after=settings)
    tuned_endpoint = tuning[TUNED_ENDPOINT_KEY]

    @task
    def evaluate_tuned_model(endpoint: str, base_model: str) -> dict:
        from genops.evaluation.model_evaluation import evaluate_model

        context = get_current_context()
        return evaluate_model(
            model=endpoint,
            base_model=base_model,
            model_config="tuned",
            profile=EVAL_GENERATION_PROFILE,
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            try_number=context["ti"].try_number,
        )

    count_tokens = gemini.count_tokens("count_tokens", profile=SERVING_PROFILE, contents=[PROMPT], model=tuned_endpoint)
    generate = gemini.generate_content("generate", profile=SERVING_PROFILE, contents=[PROMPT], model=tuned_endpoint)

    evaluation = evaluate_tuned_model(tuned_endpoint, tuning[TUNED_BASE_MODEL_KEY])
    within_daily_budget() >> evaluation  # the evaluation's answers are the first Gemini spend
    meets_thresholds(evaluation) >> count_tokens
    within_budget(count_tokens) >> generate
