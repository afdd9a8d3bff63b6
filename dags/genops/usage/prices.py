"""Estimated cost of a Gemini call from the prices in the model table (genops/models/models.json).

Each model's prices carry their own `as_of` date and source; a model without prices (or unknown to the
table, such as a tuned endpoint) costs "unknown" (None), never zero. An answer of a batch prediction job
(`BATCH_GENERATE_CONTENT`) is priced at the model's batch price: its `prices.batch` where the table states one,
otherwise the table's `batch_discount` applied to its online price.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from datetime import date

from genops.models.table import TABLE_FILE, model_id

TOKEN_CLASSES = ("input", "cached_input", "output", "thinking")
PRICE_FILE = TABLE_FILE
# The call kind of an answer from a batch prediction job: priced with the model's batch tiers.
BATCH_GENERATE_CONTENT = "batch_generate_content"

__all__ = ["BATCH_GENERATE_CONTENT", "PriceTable", "PriceTableError", "Tier", "estimate", "model_id", "parse", "table"]


class PriceTableError(ValueError):
    """The model table's prices are malformed: a missing class, a negative price, tiers out of order."""


@dataclass(frozen=True)
class Tier:
    prompt_tokens_up_to: int | None  # None: no upper bound
    input: float
    cached_input: float
    output: float
    thinking: float


@dataclass(frozen=True)
class ModelPrices:
    as_of: date
    source: str  # the URL the prices were read from
    per_tokens: int
    tiers: tuple[Tier, ...]
    batch_tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class PriceTable:
    models: dict[str, ModelPrices]
    free_call_kinds: frozenset[str]

    def prices_for(self, model: str) -> ModelPrices | None:
        return self.models.get(model_id(model))

    def tiers_for(self, model: str, *, batch: bool = False) -> tuple[Tier, ...] | None:
        """The model's tiers: online, or its batch prediction tiers (None when the table has no price)."""
        prices = self.prices_for(model)
        if prices is None:
            return None
        return prices.batch_tiers if batch else prices.tiers


def _tiers(name: str, entries: list[dict]) -> tuple[Tier, ...]:
    tiers = tuple(Tier(**tier) for tier in entries)
    bounds = [t.prompt_tokens_up_to for t in tiers]
    if not tiers or bounds[-1] is not None or any(b is None for b in bounds[:-1]) or bounds[:-1] != sorted(bounds[:-1]):
        raise PriceTableError(f"{name}: tiers must rise and end with prompt_tokens_up_to null")
    for tier in tiers:
        if any(not isinstance(getattr(tier, c), int | float) or getattr(tier, c) < 0 for c in TOKEN_CLASSES):
            raise PriceTableError(f"{name}: every token class needs a price >= 0, got {tier}")
    return tiers


def _batch_tiers(name: str, tiers: tuple[Tier, ...], stated: dict | None, discount: dict) -> tuple[Tier, ...]:
    """The batch price: the table's stated batch input/output (thinking billed as output), else the discount."""
    if stated is not None:
        if len(tiers) != 1 or set(stated) != {"input", "output"}:
            raise PriceTableError(f"{name}: prices.batch states input and output for a model with one tier")
        return (
            dataclasses.replace(tiers[0], input=stated["input"], output=stated["output"], thinking=stated["output"]),
        )
    factor = float(discount["factor"])
    if not 0 < factor <= 1:
        raise PriceTableError(f"batch_discount.factor must be in (0, 1], got {factor}")
    return tuple(
        dataclasses.replace(t, **{c: round(getattr(t, c) * factor, 9) for c in discount["token_classes"]})
        for t in tiers
    )


def parse(document: dict) -> PriceTable:
    """The prices of a model table document (models.json): models whose `prices.tiers` is null are unpriced,
    and must say why (`unpriced_because`)."""
    try:
        sources = document["sources"]
        models = {}
        for name, entry in document["models"].items():
            prices = entry["prices"]
            if prices["tiers"] is None:
                if not prices.get("unpriced_because"):
                    raise PriceTableError(f"{name}: no prices and no unpriced_because")
                continue
            tiers = _tiers(name, prices["tiers"])
            models[name] = ModelPrices(
                as_of=date.fromisoformat(prices["as_of"]),
                source=sources[prices["source"]]["url"],
                per_tokens=int(prices["per_tokens"]),
                tiers=tiers,
                batch_tiers=_batch_tiers(name, tiers, prices.get("batch"), document["batch_discount"]),
            )
        return PriceTable(models=models, free_call_kinds=frozenset(document.get("free_call_kinds", ())))
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
    prompt size picks the tier (long-context prices); a batch job's answer is priced at the batch tiers.
    """
    prices = prices or table()
    if call_kind in prices.free_call_kinds:
        return 0.0
    model_prices = prices.prices_for(model)
    if model_prices is None:
        return None
    tiers = model_prices.batch_tiers if call_kind == BATCH_GENERATE_CONTENT else model_prices.tiers
    tier = next(t for t in tiers if t.prompt_tokens_up_to is None or prompt_tokens <= t.prompt_tokens_up_to)
    uncached = max(prompt_tokens - cached_tokens, 0)
    cost = (
        uncached * tier.input
        + cached_tokens * tier.cached_input
        + output_tokens * tier.output
        + thinking_tokens * tier.thinking
    )
    return round(cost / model_prices.per_tokens, 9)


def as_of(model: str, prices: PriceTable | None = None) -> str | None:
    """The date of `model`'s prices (ISO), None when it has none."""
    model_prices = (prices or table()).prices_for(model)
    return model_prices.as_of.isoformat() if model_prices else None
