"""Structured output: ask Gemini for JSON that fits a response schema, and check the answer before it is used.

A response schema (`response_mime_type="application/json"`, `response_schema=...`) makes the model answer
in JSON of that shape, but an answer can still be cut off, blocked or out of range. `parse_answer` checks
the text against the same schema (with jsonschema, imported when called) and raises `InvalidAnswerError`
naming every problem, so the task fails and nothing downstream writes or loads the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from genops.gemini.profiles import GenerationProfile

# Enough for the samples' JSON answers plus the model's thinking, which counts against this limit.
STRUCTURED_MAX_OUTPUT_TOKENS = 8192
MAX_REPORTED_PROBLEMS = 10


class InvalidAnswerError(ValueError):
    """A model answer that does not fit its response schema: it must not be written or loaded anywhere."""


@dataclass(frozen=True)
class SampleProfile(GenerationProfile):
    """A GenerationProfile with its own system instruction and extra GenerateContentConfig fields (a response
    schema, tools), so `genops.gemini.tasks` builds the provider operator for it unchanged."""

    system_instruction: str = ""
    extra_config: dict[str, Any] = field(default_factory=dict)

    def generation_config(self, system_instruction: str | None = None, *, model: str | None = None) -> dict:
        generation = super().generation_config(system_instruction or self.system_instruction, model=model)
        return {**generation, **json.loads(json.dumps(self.extra_config))}  # a copy: templating never shares it


def structured_profile(name: str, response_schema: dict, *, system_instruction: str) -> SampleProfile:
    """Deterministic JSON answers of `response_schema` from the flash model."""
    return SampleProfile(
        name,
        "GENOPS_FLASH_MODEL",
        temperature=0.0,
        max_output_tokens=STRUCTURED_MAX_OUTPUT_TOKENS,
        system_instruction=system_instruction,
        extra_config={"response_mime_type": "application/json", "response_schema": response_schema},
    )


def parse_answer(text: str | None, response_schema: dict, *, what: str) -> Any:
    """The JSON value in `text` if it fits `response_schema`; else InvalidAnswerError naming each problem."""
    from jsonschema import Draft202012Validator

    if not text or not text.strip():
        raise InvalidAnswerError(
            f"{what}: the model returned no text (blocked by safety settings, or out of output tokens); "
            "nothing was written. Check the task log for the finish reason and re-run."
        )
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidAnswerError(
            f"{what} is not JSON ({err.msg} at character {err.pos}; the answer may be cut off): {text[:200]!r}. "
            "Nothing was written."
        ) from None
    errors = sorted(Draft202012Validator(response_schema).iter_errors(answer), key=lambda e: list(e.absolute_path))
    if errors:
        problems = "; ".join(
            f"{'/'.join(map(str, error.absolute_path)) or '(top level)'}: {error.message}"
            for error in errors[:MAX_REPORTED_PROBLEMS]
        )
        more = f" (and {len(errors) - MAX_REPORTED_PROBLEMS} more)" if len(errors) > MAX_REPORTED_PROBLEMS else ""
        raise InvalidAnswerError(f"{what} does not match its response schema: {problems}{more}. Nothing was written.")
    return answer


@contextmanager
def fail_on_bad_answer():
    """Turn a rejected answer or row into a failure without retries: the same XCom would be rejected again."""
    from genops.core.compat import AirflowFailException
    from genops.evaluation.results import InvalidResultError

    try:
        yield
    except (InvalidAnswerError, InvalidResultError) as err:
        raise AirflowFailException(str(err)) from None


def checked(answer_text: str | None, response_schema: dict, *, what: str, build: Callable | None = None) -> Any:
    """In a task: the answer parsed and checked, or turned into rows by `build(answer, dag_id=, run_id=,
    checked_at=)` (which may reject it too). A rejected answer fails the task without retries."""
    from datetime import UTC, datetime

    from genops.core.compat import get_current_context

    with fail_on_bad_answer():
        answer = parse_answer(answer_text, response_schema, what=what)
        if build is None:
            return answer
        context = get_current_context()
        return build(answer, dag_id=context["dag"].dag_id, run_id=context["run_id"], checked_at=datetime.now(UTC))
