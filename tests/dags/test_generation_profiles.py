"""The generation table: six configurations, each a valid google-genai GenerateContentConfig."""

from __future__ import annotations

import pytest
from google.genai import types

from genops.core.config import SETTINGS
from genops.gemini.profiles import PROFILES


def test_the_lab_compares_six_named_configurations():
    assert [p.name for p in PROFILES] == ["pro", "flash", "deterministic", "balanced", "random", "grounded"]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_profile_is_a_valid_generate_content_config(profile):
    parsed = types.GenerateContentConfig.model_validate(profile.generation_config())
    assert parsed.system_instruction and len(parsed.safety_settings) == 4
    assert profile.model_setting in SETTINGS
    assert bool(parsed.tools) is profile.google_search


def test_sampling_presets_differ_as_named():
    by_name = {p.name: p for p in PROFILES}
    assert by_name["deterministic"].temperature == 0
    assert by_name["deterministic"].temperature < by_name["balanced"].temperature < by_name["random"].temperature


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_profile_sets_its_thinking_and_leaves_room_for_the_answer(profile):
    """Thinking counts against max_output_tokens: a 1024-token limit with dynamic thinking can return nothing."""
    from genops.gemini.profiles import MIN_ANSWER_TOKENS

    parsed = types.GenerateContentConfig.model_validate(profile.generation_config())
    assert parsed.thinking_config is not None and parsed.thinking_config.thinking_budget is not None
    assert parsed.max_output_tokens - parsed.thinking_config.thinking_budget >= MIN_ANSWER_TOKENS


def test_pro_keeps_a_thinking_budget_and_flash_sampling_presets_turn_thinking_off():
    by_name = {p.name: p for p in PROFILES}
    assert by_name["pro"].thinking_budget >= 128, "Gemini 2.5 Pro cannot turn thinking off"
    assert all(by_name[name].thinking_budget == 0 for name in ("deterministic", "balanced", "random"))


@pytest.mark.parametrize(("budget", "limit"), [(2048, 2048), (-1, 4096)])
def test_a_profile_whose_thinking_can_starve_the_answer_is_refused(budget, limit):
    from genops.gemini.profiles import GenerationProfile

    with pytest.raises(ValueError, match="thinking"):
        GenerationProfile("x", "GENOPS_FLASH_MODEL", thinking_budget=budget, max_output_tokens=limit)
