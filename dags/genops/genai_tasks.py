"""Gemini calls as tasks: the provider's GenAI operators, configured from GENOPS_ settings, imported lazily."""

from __future__ import annotations

from genops import config
from genops.deferred import DeferredImportOperator
from genops.generation import GenerationProfile

GEN_AI_OPERATORS = "airflow.providers.google.cloud.operators.gen_ai"


def _vertex_target() -> dict:
    return {"project_id": config.templated("GENOPS_PROJECT_ID"), "location": config.templated("GENOPS_REGION")}


def generate_content(
    task_id: str, *, profile: GenerationProfile, contents: list, model: str | None = None, **task_kwargs
) -> DeferredImportOperator:
    """GenAIGenerateContentOperator for `profile`; `model` overrides its GENOPS_ model (e.g. a tuned endpoint)."""
    return DeferredImportOperator(
        task_id=task_id,
        operator=f"{GEN_AI_OPERATORS}.GenAIGenerateContentOperator",
        operator_kwargs={
            **_vertex_target(),
            "model": model or config.templated(profile.model_setting),
            "contents": contents,
            "generation_config": profile.generation_config(),
        },
        **task_kwargs,
    )


def count_tokens(
    task_id: str, *, profile: GenerationProfile, contents: list, model: str | None = None, **task_kwargs
) -> DeferredImportOperator:
    """GenAICountTokensOperator; pushes the count to XCom key `total_tokens`."""
    return DeferredImportOperator(
        task_id=task_id,
        operator=f"{GEN_AI_OPERATORS}.GenAICountTokensOperator",
        operator_kwargs={
            **_vertex_target(),
            "model": model or config.templated(profile.model_setting),
            "contents": contents,
        },
        **task_kwargs,
    )
