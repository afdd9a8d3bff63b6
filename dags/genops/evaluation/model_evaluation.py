"""Evaluate one model configuration on the evaluation dataset and return its validated model_evaluations row.

Shared by run_evaluation, genops_pipeline (the tuned endpoint) and model_comparison (every generation
profile); the answers come online or from a batch prediction job (genops.evaluation.answers). Runs inside
tasks only: the evaluation SDKs are imported by genops.evaluation.scoring when it is called.

Retry-safe: each try logs to its own experiment run (`...-t<try>-<configuration>`), since the SDK creates
the run without resuming and a second create of one name fails with "Experiment run ... already exists".
A result that is not whole (a metric missing or "NaN") fails the task for good, naming the configuration,
metric and value: scoring it again would spend again for the same answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from genops.core import config
from genops.core.compat import AirflowFailException
from genops.gemini.profiles import GenerationProfile


def score_responses(
    responses: list[dict],
    *,
    model: str,
    model_config: str,
    dag_id: str,
    run_id: str,
    try_number: int,
    base_model: str | None = None,
) -> dict:
    """Score generated `responses` in this try's experiment run and build the configuration's row."""
    from genops.evaluation.results import InvalidResultError, experiment_run_name, metrics_row
    from genops.evaluation.scoring import EVALUATED_METRICS, run_evaluation

    experiment = config.get("GENOPS_EXPERIMENT_NAME")
    run_name = experiment_run_name(experiment, dag_id, run_id, f"t{try_number}-{model_config}")
    summary = run_evaluation(
        responses,
        project_id=config.get("GENOPS_PROJECT_ID"),
        location=config.get("GENOPS_REGION"),
        experiment=experiment,
        run_name=run_name,
    )
    try:
        return metrics_row(
            summary,
            model_config=model_config,
            model=model,
            dag_id=dag_id,
            run_id=run_id,
            evaluated_at=datetime.now(UTC),
            experiment_name=experiment,
            experiment_run_name=run_name,
            metrics=EVALUATED_METRICS,
            base_model=base_model,
        )
    except InvalidResultError as err:
        raise AirflowFailException(
            f"Configuration {model_config!r} ({model}), experiment run {run_name}: {err}. Nothing was written or "
            f"loaded; fix the cause (e.g. the answers or the metric) and trigger a new run."
        ) from None


def evaluate_model(*, submission: dict, profile: GenerationProfile, context, base_model: str | None = None) -> dict:
    """Answer the evaluation dataset as `submission` says (online, or the batch job the sensor waited for;
    genops.evaluation.answers), score the answers in the GENOPS_ experiment, build the configuration's row
    (`base_model`: a tuned endpoint's base model, recorded in the row and in its answers' usage ledger rows, so
    they show which retirement they share)."""
    from genops.evaluation.answers import answers
    from genops.gemini.prompts import load_eval_dataset

    responses = answers(load_eval_dataset(), submission, profile=profile, context=context, base_model=base_model)
    return score_responses(
        responses,
        model=submission["model"],
        model_config=submission["model_config"],
        dag_id=context["dag"].dag_id,
        run_id=context["run_id"],
        try_number=context["ti"].try_number,
        base_model=base_model,
    )
