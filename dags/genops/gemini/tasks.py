"""Gemini calls as tasks, aimed at GENOPS_PROJECT_ID / GENOPS_REGION and a generation profile's model.

Tasks rather than the provider's GenAIGenerateContentOperator / GenAICountTokensOperator: those drop the
response's `usage_metadata` and count tokens without the system instruction and tools. These call
`genops.gemini.calls`, which records every call's usage and counts what `generate` really sends.
"""

from __future__ import annotations

import logging

from genops.core import config
from genops.core.compat import task
from genops.gemini.profiles import GenerationProfile

log = logging.getLogger(__name__)


@task
def _generate_content(
    *, model: str, contents: list, generation_config: dict, profile: str, base_model: str | None = None
) -> str | None:
    """The answer's text (None when blocked or empty: the finish reason is logged)."""
    from genops.gemini import calls

    response = calls.generate(
        model=model, contents=contents, generation_config=generation_config, profile=profile, base_model=base_model
    )
    if not response.text:
        reasons = [getattr(c.finish_reason, "value", c.finish_reason) for c in response.candidates or []]
        log.warning(
            "Model %s returned no text (finish reasons %s, prompt feedback %s)",
            model,
            reasons,
            response.prompt_feedback,
        )
    return response.text


@task
def _count_tokens(
    *, model: str, contents: list, generation_config: dict, profile: str, base_model: str | None = None
) -> int:
    """The request's input tokens: contents, system instruction and tools."""
    from genops.gemini import calls

    response = calls.count_tokens(
        model=model, contents=contents, generation_config=generation_config, profile=profile, base_model=base_model
    )
    return response.total_tokens


def _arguments(profile: GenerationProfile, contents: list, model: str | None, base_model: str | None) -> dict:
    return {
        "model": model or config.templated(profile.model_setting),
        "contents": contents,
        "generation_config": profile.generation_config(),
        "profile": profile.name,
        "base_model": base_model,
    }


def generate_content(
    task_id: str,
    *,
    profile: GenerationProfile,
    contents: list,
    model: str | None = None,
    base_model: str | None = None,
    **task_kwargs,
):
    """A task that generates with `profile`; `model` overrides its GENOPS_ model (e.g. a tuned endpoint, with
    `base_model` the model it was tuned from, recorded in the usage ledger).

    Its XCom return value is the answer's text.
    """
    arguments = _arguments(profile, contents, model, base_model)
    return _generate_content.override(task_id=task_id, **task_kwargs)(**arguments)


def count_tokens(
    task_id: str,
    *,
    profile: GenerationProfile,
    contents: list,
    model: str | None = None,
    base_model: str | None = None,
    **task_kwargs,
):
    """A task that counts the tokens `generate_content` with the same arguments would send; returns the total."""
    return _count_tokens.override(task_id=task_id, **task_kwargs)(**_arguments(profile, contents, model, base_model))
