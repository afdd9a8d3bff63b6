"""Estimated cost of a Gemini call from the repository's price table (prices.json)."""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PRICE_FILE = Path(__file__).with_name("prices.json")
TOKEN_CLASSES = ("input", "cached_input", "output", "thinking")
# Vertex AI model ids as requests name them: "gemini-2.5-flash", "publishers/google/models/gemini-2.5-flash",
# or a full projects/.../publishers/google/models/... path. Tuned endpoints are not priced here.
PUBLISHER_MODEL = "publishers/google/models/"
# The call kind of an answer from a batch prediction job: priced with the model's batch tiers.
BATCH_GENERATE_CONTENT = "batch_generate_content"


class PriceTableError(ValueError):
    """prices.json is malformed: a missing class, a negative price, tiers out of order."""


@dataclass(frozen=True)
class Tier:
    prompt_tokens_up_to: int | None  # None: no upper bound
    input: float
    cached_input: float
    output: float
    thinking: float


@dataclass(frozen=True)
class PriceTable:
    as_of: date
    source: str
    per_tokens: int
    models: dict[str, tuple[Tier, ...]]
    free_call_kinds: frozenset[str]
    batch_models: dict[str, tuple[Tier, ...]] = dataclasses.field(default_factory=dict)

    def tiers_for(self, model: str, *, batch: bool = False) -> tuple[Tier, ...] | None:
        """The model's tiers: online, or its batch prediction tiers (None when the table has none)."""
        return (self.batch_models if batch else self.models).get(model_id(model))


def model_id(model: str) -> str:
    """The bare model id of a model name or publisher model path; other resources (endpoints) unchanged."""
    return model.rsplit(PUBLISHER_MODEL, 1)[1] if PUBLISHER_MODEL in model else model


def _tiers(name: str, entries: list[dict]) -> tuple[Tier, ...]:
    tiers = tuple(Tier(**tier) for tier in entries)
    bounds = [t.prompt_tokens_up_to for t in tiers]
    if not tiers or bounds[-1] is not None or any(b is None for b in bounds[:-1]) or bounds[:-1] != sorted(bounds[:-1]):
        raise PriceTableError(f"{name}: tiers must rise and end with prompt_tokens_up_to null")
    for tier in tiers:
        if any(not isinstance(getattr(tier, c), int | float) or getattr(tier, c) < 0 for c in TOKEN_CLASSES):
            raise PriceTableError(f"{name}: every token class needs a price >= 0, got {tier}")
    return tiers


def parse(document: dict) -> PriceTable:
    try:
        models = {name: _tiers(name, entry["tiers"]) for name, entry in document["models"].items()}
        batch_models = {
            name: _tiers(f"{name} batch_tiers", entry["batch_tiers"])
            for name, entry in document["models"].items()
            if "batch_tiers" in entry
        }
        return PriceTable(
            as_of=date.fromisoformat(document["as_of"]),
            source=document["source"],
            per_tokens=int(document["per_tokens"]),
            models=models,
            free_call_kinds=frozenset(document.get("free_call_kinds", ())),
            batch_models=batch_models,
        )
    except (KeyError, TypeError) as err:
        raise PriceTableError(f"{PRICE_FILE.name} is malformed: {err!r}") from None


@functools.cache
def table() -> PriceTable:
    return parse(json.loads(PRICE_FILE.read_text(encoding="utf-8")))


def estimate(
    model: str,
    call_kind: str,
    *,
    prompt_tokens: int,
    cached_tokens: int,
    output_tokens: int,
    thinking_tokens: int,
    prices: PriceTable | None = None,
) -> float | None:
    """USD for one call, or None when the model has no price (unknown, not zero).

    Cached prompt tokens are billed at the cached price, the rest of the prompt at the input price; the
    prompt size picks the tier (long-context prices). An answer of a batch prediction job
    (`BATCH_GENERATE_CONTENT`) is priced with the model's batch tiers.
    """
    prices = prices or table()
    if call_kind in prices.free_call_kinds:
        return 0.0
    tiers = prices.tiers_for(model, batch=call_kind == BATCH_GENERATE_CONTENT)
    if tiers is None:
        return None
    tier = next(t for t in tiers if t.prompt_tokens_up_to is None or prompt_tokens <= t.prompt_tokens_up_to)
    uncached = max(prompt_tokens - cached_tokens, 0)
    cost = (
        uncached * tier.input
        + cached_tokens * tier.cached_input
        + output_tokens * tier.output
        + thinking_tokens * tier.thinking
    )
    return round(cost / prices.per_tokens, 9)
