"""Gemini calls as tasks: the provider's GenAI operators, configured from GENOPS_ settings, imported lazily."""

from __future__ import annotations

from genops.core import config
from genops.core.deferred import DeferredImportOperator
from genops.gemini.profiles import GenerationProfile

GEN_AI_OPERATORS = "airflow.providers.google.cloud.operators.gen_ai"


def _gemini_call(
    operator: str,
    task_id: str,
    profile: GenerationProfile,
    contents: list,
    model: str | None,
    task_kwargs: dict,
    **extra,
) -> DeferredImportOperator:
    """A deferred provider GenAI operator aimed at GENOPS_PROJECT_ID/GENOPS_REGION and the profile's model."""
    return DeferredImportOperator(
        task_id=task_id,
        operator=f"{GEN_AI_OPERATORS}.{operator}",
        operator_kwargs={
            "project_id": config.templated("GENOPS_PROJECT_ID"),
            "location": config.templated("GENOPS_REGION"),
            "model": model or config.templated(profile.model_setting),
            "contents": contents,
            **extra,
        },
        **task_kwargs,
    )


def generate_content(
    task_id: str, *, profile: GenerationProfile, contents: list, model: str | None = None, **task_kwargs
) -> DeferredImportOperator:
    """GenAIGenerateContentOperator for `profile`; `model` overrides its GENOPS_ model (e.g. a tuned endpoint)."""
    return _gemini_call(
        "GenAIGenerateContentOperator",
        task_id,
        profile,
        contents,
        model,
        task_kwargs,
        generation_config=profile.generation_config(),
    )


def count_tokens(
    task_id: str, *, profile: GenerationProfile, contents: list, model: str | None = None, **task_kwargs
) -> DeferredImportOperator:
    """GenAICountTokensOperator; pushes the count to XCom key `total_tokens`."""
    return _gemini_call("GenAICountTokensOperator", task_id, profile, contents, model, task_kwargs)
