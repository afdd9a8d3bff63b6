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
