"""Lab 5 (Airflow DAG): the GenOps pipeline. Tune on new training data, evaluate the tuned model, and serve it
only if it passes the metric gate (GENOPS_EVAL_THRESHOLDS), the prompt passes the budget gate, and a person
approves (GENOPS_APPROVERS); an approved, served model is recorded as the canary's baseline."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.evaluation.answers import BatchPredictionSensor
from genops.evaluation.scoring import EVAL_GENERATION_PROFILE, EVALUATED_METRICS
from genops.gates.approval import approval_gate
from genops.gates.tasks import meets_thresholds, preflight, within_budget, within_daily_budget
from genops.gemini import tasks as gemini
from genops.gemini.prompts import SUMMARY_INSTRUCTION, build_prompt
from genops.tuning.tasks import TUNED_BASE_MODEL_KEY, TUNED_ENDPOINT_KEY, TUNED_MODEL_KEY, tuning_tasks

# Served in the format the model was tuned on (genops/data/sft_train.jsonl) and sampled as it was evaluated.
SERVING_PROFILE = EVAL_GENERATION_PROFILE
ARTICLE = (
    "A county library began lending power tools, sewing machines and telescopes alongside books. In its first "
    "year the 'library of things' made 6,500 loans, and a survey found most borrowers would otherwise have bought "
    "the item for a single project."
)
PROMPT = build_prompt(SUMMARY_INSTRUCTION, ARTICLE)

DOC = """
Training data -> validate -> tune (reschedule sensor) -> evaluate the tuned model -> metric gate -> count tokens
-> budget gate -> **approval** -> generate with the tuned endpoint -> record it as the served baseline.

**Approval.** With `GENOPS_APPROVERS` set (Airflow user ids), `approve_serving` waits for one of them to answer in
the UI (Browse > Required Actions, or the task's Required Actions tab) or through the REST API. Reject, or no
answer within `GENOPS_APPROVAL_TIMEOUT`, skips serving; the decision (who, when, option, comment) is the task's
XCom "decision". With `GENOPS_APPROVERS` empty the gate approves automatically. **On Airflow 2.11 the gate is
always automatic**: human-in-the-loop operators need Airflow 3.1+. See docs/approval-and-canary.md.
"""

with lab_dag(
    "genops_pipeline",
    description="Training data -> validate -> tune (reschedule sensor) -> evaluate the tuned model -> metric gate "
    "-> count tokens -> budget gate -> approval -> generate with the tuned endpoint -> record the served baseline.",
    doc_md=DOC,
    tags=["lab", "pipeline", "tuning", "evaluation", "approval"],
) as dag:
    settings = preflight(
        settings=[
            "GENOPS_TUNING_SOURCE_MODEL",
            "GENOPS_EVAL_THRESHOLDS",
            "GENOPS_EVAL_CONCURRENCY",
            "GENOPS_EVAL_MODE",
            "GENOPS_BATCH_MIN_EXAMPLES",
            "GENOPS_EXPERIMENT_NAME",
            "GENOPS_TOKEN_BUDGET",
            "GENOPS_APPROVERS",
            "GENOPS_APPROVAL_TIMEOUT",
        ],
        produced_metrics=list(EVALUATED_METRICS),
    )
    tuned = tuning_tasks(after=settings)
    tuned_endpoint, tuned_base_model = tuned[TUNED_ENDPOINT_KEY], tuned[TUNED_BASE_MODEL_KEY]

    @task
    def submit_evaluation(endpoint: str, tuned_model: str, base_model: str) -> dict:
        """Online: the tuned endpoint answers. Batch: a job on the tuned model (batch jobs name the model)."""
        from genops.evaluation.answers import submit
        from genops.gemini.prompts import load_eval_dataset

        return submit(
            load_eval_dataset(),
            model_config="tuned",
            model=endpoint,
            profile=EVAL_GENERATION_PROFILE,
            context=get_current_context(),
            batch_model=tuned_model,
            base_model=base_model,
        )

    @task
    def evaluate_tuned_model(submission: dict, base_model: str) -> dict:
        from genops.evaluation.model_evaluation import evaluate_model

        return evaluate_model(
            submission=submission, profile=EVAL_GENERATION_PROFILE, context=get_current_context(), base_model=base_model
        )

    @task
    def approval_request(row: dict, total_tokens: int | None, endpoint: str) -> str:
        """The approver's view of this run: metrics and thresholds, tokens and budget, spend, model and base."""
        from genops.gates import approval, baseline
        from genops.usage import bigquery

        context = get_current_context()
        return approval.approval_body(
            model=endpoint,
            base_model=row.get("base_model") or config.get("GENOPS_TUNING_SOURCE_MODEL"),
            row=row,
            thresholds=config.eval_thresholds(),
            total_tokens=total_tokens,
            token_budget=config.get_int("GENOPS_TOKEN_BUDGET"),
            run_spend=bigquery.run_total(bigquery.table_fqn(), context["dag"].dag_id, context["run_id"]),
            project=config.get("GENOPS_PROJECT_ID"),
            table=baseline.table_fqn(),
            approval_timeout=approval.timeout(),
        )

    @task
    def record_served_baseline(row: dict) -> dict:
        """Record the approved, served model and its scores as the baseline the canary compares with."""
        from genops.gates import baseline

        context = get_current_context()
        served = baseline.served_row(row, dag_id=context["dag"].dag_id, run_id=context["run_id"])
        written = baseline.store_once(served)
        print(f"Served baseline {served['evaluation_id']} ({served['model']}): {'recorded' if written else 'stored'}")
        return served

    count_tokens = gemini.count_tokens(
        "count_tokens", profile=SERVING_PROFILE, contents=[PROMPT], model=tuned_endpoint, base_model=tuned_base_model
    )
    generate = gemini.generate_content(
        "generate", profile=SERVING_PROFILE, contents=[PROMPT], model=tuned_endpoint, base_model=tuned_base_model
    )

    submission = submit_evaluation(tuned_endpoint, tuned[TUNED_MODEL_KEY], tuned_base_model)
    within_daily_budget() >> submission  # the evaluation's answers are the first Gemini spend
    answered = BatchPredictionSensor(task_id="wait_for_evaluation_batch", submission=submission)
    evaluation = evaluate_tuned_model(answered.output, tuned_base_model)
    meets_thresholds(evaluation) >> count_tokens
    request = approval_request(evaluation, count_tokens, tuned_endpoint)
    within_budget(count_tokens) >> request
    approval = approval_gate(request, subject="Serve the tuned model of this run?")
    approval >> generate >> record_served_baseline(evaluation)
