"""The daily spend decision as plain data, and the optional budget settings' parsing."""

from __future__ import annotations

import pytest

from genops.core import config
from genops.gates.decisions import daily_spend_decision


def decide(tokens=0, usd=None, unpriced=0, token_budget=None, cost_budget=None):
    return daily_spend_decision(
        spent_tokens=tokens,
        spent_usd=usd,
        unpriced_calls=unpriced,
        token_budget=token_budget,
        cost_budget_usd=cost_budget,
    )


def test_no_budget_passes_and_says_so():
    decision = decide(tokens=10**9)
    assert decision.passed and "no daily budget is set" in decision.reason


@pytest.mark.parametrize(("tokens", "passed"), [(0, True), (999, True), (1000, False), (5000, False)])
def test_token_budget_is_used_up_at_the_budget(tokens, passed):
    decision = decide(tokens=tokens, token_budget=1000)
    assert decision.passed is passed and decision.gate == "daily_spend"
    assert str(tokens) in decision.reason


def test_cost_budget_counts_priced_calls_and_names_the_unpriced_ones():
    under = decide(usd=1.5, unpriced=2, cost_budget=2)
    assert under.passed and "+2 call(s) of unpriced models, cost unknown" in under.reason
    assert not decide(usd=2.0, cost_budget=2).passed
    assert decide(usd=None, cost_budget=2).passed, "nothing priced spent yet"


def test_either_budget_stops_and_both_reasons_are_recorded():
    decision = decide(tokens=2000, usd=3.0, token_budget=1000, cost_budget=2)
    assert not decision.passed and "tokens" in decision.reason and "USD" in decision.reason
    assert not decide(tokens=10, usd=3.0, token_budget=1000, cost_budget=2).passed


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("  ", None), ("2000000", 2e6), ("12.5", 12.5)])
def test_budget_settings_parse(genops_env, raw, expected):
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", raw)
    assert config.optional_number("GENOPS_DAILY_TOKEN_BUDGET") == expected


@pytest.mark.parametrize("raw", ["0", "-5", "lots", "nan", "inf"])
def test_bad_budget_settings_name_the_variable_and_the_fix(genops_env, raw):
    genops_env.setenv("GENOPS_DAILY_COST_BUDGET_USD", raw)
    with pytest.raises(config.InvalidSettingError, match="GENOPS_DAILY_COST_BUDGET_USD.*positive number"):
        config.optional_number("GENOPS_DAILY_COST_BUDGET_USD")
