"""The usage of every Gemini call the DAGs make, recorded in one place.

`genops.gemini.calls` hands each response here, with where it was made (DAG, run, task, try) and how
(call kind, model, generation profile). `record_usage` logs one line per call and hands the response to the
usage ledger (`genops.usage.ledger`), which writes one BigQuery row per call when the task ends.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from genops.usage import ledger
from genops.usage.prices import BATCH_GENERATE_CONTENT

log = logging.getLogger(__name__)

GENERATE_CONTENT = "generate_content"
COUNT_TOKENS = "count_tokens"
CALL_KINDS = (GENERATE_CONTENT, COUNT_TOKENS, BATCH_GENERATE_CONTENT)  # the last: one answer of a batch job


@dataclass(frozen=True)
class CallContext:
    """Where a call was made: the task instance (all None outside a task, e.g. in a script)."""

    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    map_index: int | None = None
    try_number: int | None = None

    @classmethod
    def from_airflow(cls, context: Mapping[str, Any] | None = None) -> CallContext:
        """From an Airflow context (a task's, or a callback's); the running task's when None is given."""
        if context is None:
            from genops.core.compat import get_current_context

            try:
                context = get_current_context()
            except Exception:  # not inside a running task
                return cls()
        ti = context.get("ti") or context.get("task_instance")
        dag = context.get("dag")
        return cls(
            dag_id=getattr(dag, "dag_id", None) or getattr(ti, "dag_id", None),
            run_id=context.get("run_id") or getattr(ti, "run_id", None),
            task_id=getattr(ti, "task_id", None),
            map_index=getattr(ti, "map_index", None),
            try_number=getattr(ti, "try_number", None),
        )


@dataclass(frozen=True)
class UsageRecord:
    """One Gemini call's token usage. Counts the response does not report are None, not 0."""

    call_kind: str  # one of CALL_KINDS
    model: str  # as requested: a model id or a tuned endpoint
    model_version: str | None  # as answered (generate_content only)
    profile: str | None  # the generation profile's name
    context: CallContext
    prompt_tokens: int | None  # input, including the system instruction and tools the request sent
    candidates_tokens: int | None  # the answer
    thoughts_tokens: int | None  # a thinking model's reasoning (billed as output)
    cached_tokens: int | None  # input served from a context cache
    total_tokens: int | None  # generate_content: all of the above; count_tokens: the counted input

    def as_dict(self) -> dict:
        return asdict(self)


def usage_counts(response: Any, call_kind: str) -> dict[str, int | None]:
    """The token counts of a google-genai GenerateContentResponse or CountTokensResponse."""
    if call_kind == COUNT_TOKENS:  # free to call; the count is of the request's input
        return {
            "prompt_tokens": response.total_tokens,
            "candidates_tokens": None,
            "thoughts_tokens": None,
            "cached_tokens": response.cached_content_token_count,
            "total_tokens": response.total_tokens,
        }
    usage = response.usage_metadata
    if usage is None:
        return dict.fromkeys(("prompt_tokens", "candidates_tokens", "thoughts_tokens", "cached_tokens", "total_tokens"))
    return {
        "prompt_tokens": usage.prompt_token_count,
        "candidates_tokens": usage.candidates_token_count,
        "thoughts_tokens": usage.thoughts_token_count,
        "cached_tokens": usage.cached_content_token_count,
        "total_tokens": usage.total_token_count,
    }


def record_usage(
    response: Any,
    *,
    call_kind: str,
    model: str,
    profile: str | None,
    context: CallContext,
    base_model: str | None = None,
) -> UsageRecord:
    """Record one Gemini call: `response` is the google-genai response (GenerateContentResponse for
    `call_kind="generate_content"`, CountTokensResponse for `"count_tokens"`), `model` the model or
    endpoint the request named, `profile` the generation profile's name, `context` where it ran,
    `base_model` the model a tuned endpoint was tuned from (None for a base model).

    Returns the record it logged. Called for every response, empty or blocked ones included.
    """
    if call_kind not in CALL_KINDS:
        raise ValueError(f"call_kind={call_kind!r} is not one of {CALL_KINDS}")
    record = UsageRecord(
        call_kind=call_kind,
        model=model,
        model_version=getattr(response, "model_version", None),
        profile=profile,
        context=context,
        **usage_counts(response, call_kind),
    )
    log.info(
        "Gemini usage: %s %s (profile %s) in %s/%s/%s[%s] try %s: prompt=%s candidates=%s thoughts=%s cached=%s "
        "total=%s",
        call_kind,
        model,
        profile,
        context.dag_id,
        context.run_id,
        context.task_id,
        context.map_index,
        context.try_number,
        record.prompt_tokens,
        record.candidates_tokens,
        record.thoughts_tokens,
        record.cached_tokens,
        record.total_tokens,
    )
    ledger.record(response, call_kind=call_kind, model=model, profile=profile, context=context, base_model=base_model)
    return record
