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
def test_every_profile_builds_a_request_its_default_model_accepts(profile):
    """Thinking as the default model's family documents it (none of the current models turns it off, Gemini 4
    refuses a budget), room for thinking and the answer, and no sampling field the family advises against."""
    from genops.gemini.profiles import MIN_ANSWER_TOKENS, THINKING_ROOM_TOKENS
    from genops.models.table import table

    model = SETTINGS[profile.model_setting].default
    facts = table().facts(model)
    parsed = types.GenerateContentConfig.model_validate(profile.generation_config(model=model))
    thinking = facts.thinking
    if parsed.thinking_config is not None:
        assert parsed.thinking_config.thinking_budget is None or not thinking.get("rejects_budget")
        level = parsed.thinking_config.thinking_level
        assert level is None or (thinking.get("levels") and level.value in thinking["levels"])
    room = THINKING_ROOM_TOKENS if parsed.thinking_config is None else MIN_ANSWER_TOKENS
    assert parsed.max_output_tokens >= room
    for field in facts.sampling["advised_against"]:
        assert getattr(parsed, field) is None, f"{profile.name} sends {field} to {model}"


def test_sampling_advised_against_is_left_out_for_that_model():
    from dataclasses import replace

    from genops.models.table import table

    deterministic = next(p for p in PROFILES if p.name == "deterministic")
    model, facts = next((m, f) for m, f in table().models.items() if "temperature" in f.sampling["advised_against"])
    assert "temperature" not in deterministic.generation_config(model=model)
    assert deterministic.generation_config()["temperature"] == 0.0, "without a model, the profile's own sampling"
    assert replace(deterministic, temperature=None).generation_config(model=model).get("temperature") is None


@pytest.mark.parametrize(("level", "limit"), [("LOW", 512), (None, 2048), ("MINIMAL", 4096)])
def test_a_profile_whose_thinking_can_starve_the_answer_or_that_names_no_level_is_refused(level, limit):
    from genops.gemini.profiles import GenerationProfile

    with pytest.raises(ValueError, match="thinking"):
        GenerationProfile("x", "GENOPS_FLASH_MODEL", thinking_level=level, max_output_tokens=limit)
