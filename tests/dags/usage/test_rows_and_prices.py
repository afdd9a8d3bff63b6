"""Ledger rows from real google-genai responses, and the price table's estimates."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from google.genai import types

from genops.core import config
from genops.usage import prices
from genops.usage.rows import UsageRowError, call_id, check, schema, usage_row

WHEN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WHERE = {"dag_id": "generate_content", "run_id": "manual__1", "task_id": "flash", "map_index": None, "try_number": 1}


def generated(**usage) -> types.GenerateContentResponse:
    return types.GenerateContentResponse(
        candidates=[types.Candidate(content=types.Content(role="model", parts=[types.Part(text="ok")]))],
        usage_metadata=types.GenerateContentResponseUsageMetadata(**usage) if usage else None,
        model_version="gemini-2.5-flash-001",
    )


def row_for(response, *, model="gemini-2.5-flash", call_kind="generate_content", call_number=1, **where):
    return usage_row(
        response,
        call_kind=call_kind,
        model=model,
        profile="flash",
        call_number=call_number,
        called_at=WHEN,
        **{**WHERE, **where},
    )


def test_counts_come_from_the_usage_metadata_by_class():
    row = row_for(
        generated(
            prompt_token_count=1200,
            cached_content_token_count=200,
            candidates_token_count=300,
            thoughts_token_count=500,
            tool_use_prompt_token_count=40,
            total_token_count=2040,
        )
    )
    assert {k: row[k] for k in ("prompt_tokens", "cached_tokens", "output_tokens", "thinking_tokens")} == {
        "prompt_tokens": 1200,
        "cached_tokens": 200,
        "output_tokens": 300,
        "thinking_tokens": 500,
    }
    assert (row["tool_use_prompt_tokens"], row["total_tokens"], row["counted_tokens"]) == (40, 2040, None)
    assert row["map_index"] == -1 and row["model_version"] == "gemini-2.5-flash-001"
    # flash: 1000 uncached input at 0.30, 200 cached at 0.075, 300 output and 500 thinking at 2.50, per 1M
    assert row["estimated_cost_usd"] == pytest.approx((1000 * 0.30 + 200 * 0.075 + 800 * 2.5) / 1e6)
    assert row["price_table_date"] == prices.as_of(row["model"])


def test_a_response_without_usage_metadata_counts_zero_and_a_missing_total_is_summed():
    assert row_for(generated())["total_tokens"] == 0
    row = row_for(generated(prompt_token_count=10, candidates_token_count=5, thoughts_token_count=7))
    assert row["total_tokens"] == 22


def test_count_tokens_spends_nothing_and_records_what_it_counted():
    row = row_for(types.CountTokensResponse(total_tokens=321), call_kind="count_tokens")
    assert (row["total_tokens"], row["counted_tokens"], row["estimated_cost_usd"]) == (0, 321, 0.0)


@pytest.mark.parametrize(
    "model",
    ["projects/p/locations/us-central1/endpoints/888", "gemini-9.9-imaginary", "claude-sonnet"],
)
def test_an_unpriced_model_costs_unknown_not_zero(model):
    row = row_for(generated(prompt_token_count=100, candidates_token_count=10, total_token_count=110), model=model)
    assert row["estimated_cost_usd"] is None and row["price_table_date"] is None
    assert row["total_tokens"] == 110


def test_a_tuned_endpoint_records_its_base_model_and_a_base_model_records_none():
    response = generated(prompt_token_count=100, candidates_token_count=10, total_token_count=110)
    endpoint = "projects/p/locations/us-central1/endpoints/888"
    tuned = row_for(response, model=endpoint, base_model="gemini-2.5-flash")
    assert (tuned["model"], tuned["base_model"]) == (endpoint, "gemini-2.5-flash")
    assert tuned["estimated_cost_usd"] is None, "priced by the model the call named, as before"
    assert row_for(response)["base_model"] is None


def test_publisher_model_paths_are_priced_as_their_model():
    response = generated(prompt_token_count=100, candidates_token_count=10, total_token_count=110)
    path = "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash"
    assert row_for(response, model=path)["estimated_cost_usd"] == row_for(response)["estimated_cost_usd"]


def test_long_prompts_use_the_long_context_tier():
    short = row_for(generated(prompt_token_count=200_000, total_token_count=200_000), model="gemini-2.5-pro")
    long = row_for(generated(prompt_token_count=200_001, total_token_count=200_001), model="gemini-2.5-pro")
    assert short["estimated_cost_usd"] == pytest.approx(200_000 * 1.25 / 1e6)
    assert long["estimated_cost_usd"] == pytest.approx(200_001 * 2.5 / 1e6)


def test_call_ids_are_deterministic_and_distinct_per_try_and_call():
    base = ("dag", "run", "task", -1, 1, 1)
    assert call_id(*base) == call_id(*base)
    variants = {call_id(*base[:4], 2, 1), call_id(*base[:5], 2), call_id(*base[:3], 0, 1, 1), call_id(*base)}
    assert len(variants) == 4


def test_rows_match_the_shared_schema_and_bad_rows_are_caught():
    row = row_for(generated(prompt_token_count=1, total_token_count=1))
    assert set(row) == {f["name"] for f in schema()}
    for broken, message in (
        ({**row, "extra": 1}, "not in"),
        ({**row, "dag_id": None}, "REQUIRED"),
        ({**row, "total_tokens": "12"}, "not a INTEGER"),
        ({**row, "output_tokens": -1}, "negative"),
    ):
        with pytest.raises(UsageRowError, match=message):
            check(broken)


def test_every_default_model_setting_has_a_price_or_the_table_says_why_not():
    document = json.loads(prices.PRICE_FILE.read_text())
    for name in ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL", "GENOPS_TUNING_SOURCE_MODEL"):
        model = config.SETTINGS[name].default
        explained = document["models"][model]["prices"].get("unpriced_because")
        assert prices.table().tiers_for(model) or explained, f"{name}'s default model has no price and no reason"


def test_the_price_table_names_its_date_and_source_and_bad_tables_are_refused():
    priced = prices.table().prices_for("gemini-2.5-pro")
    assert priced.source.startswith("https://") and priced.as_of.year >= 2025
    document = json.loads(prices.PRICE_FILE.read_text())
    unbounded_first = copy.deepcopy(document)
    unbounded_first["models"]["gemini-2.5-pro"]["prices"]["tiers"].reverse()
    negative = copy.deepcopy(document)
    negative["models"]["gemini-2.5-flash"]["prices"]["tiers"][0]["output"] = -1
    missing_class = copy.deepcopy(document)
    del missing_class["models"]["gemini-2.5-flash"]["prices"]["tiers"][0]["thinking"]
    for bad in (unbounded_first, negative, missing_class):
        with pytest.raises(prices.PriceTableError):
            prices.parse(bad)
