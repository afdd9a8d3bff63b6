"""Evaluate one model configuration on the evaluation dataset and return its validated model_evaluations row.

Shared by genops_pipeline (the tuned endpoint) and model_comparison (every generation profile). Runs inside
tasks only: the evaluation SDKs are imported by genops.evaluation.scoring when it is called.
"""

from __future__ import annotations

from datetime import UTC, datetime

from genops.core import config
from genops.gemini.profiles import GenerationProfile


def evaluate_model(*, model: str, model_config: str, profile: GenerationProfile, dag_id: str, run_id: str) -> dict:
    """Generate answers with `model` sampled as `profile`, score them in the GENOPS_ experiment, build the row."""
    from genops.evaluation.results import experiment_run_name, metrics_row
    from genops.evaluation.scoring import generate_responses, run_evaluation
    from genops.gemini.prompts import load_eval_dataset

    project_id, location = config.get("GENOPS_PROJECT_ID"), config.get("GENOPS_REGION")
    experiment = config.get("GENOPS_EXPERIMENT_NAME")
    run_name = experiment_run_name(dag_id, run_id, model_config)
    responses = generate_responses(
        load_eval_dataset(), model=model, project_id=project_id, location=location, profile=profile
    )
    summary = run_evaluation(
        responses, project_id=project_id, location=location, experiment=experiment, run_name=run_name
    )
    return metrics_row(
        summary,
        model_config=model_config,
        model=model,
        dag_id=dag_id,
        run_id=run_id,
        evaluated_at=datetime.now(UTC),
        experiment_name=experiment,
        experiment_run_name=run_name,
    )
