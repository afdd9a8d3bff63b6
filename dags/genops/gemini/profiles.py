"""The table of generation configurations the lab compares, as google-genai GenerateContentConfig dicts.

Dicts (not pydantic objects) keep DAG serialization stable and the google-genai import out of parsing;
tests validate every dict with `GenerateContentConfig.model_validate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from genops.gemini.prompts import SYSTEM_INSTRUCTION

# Block clearly harmful content in every configuration; the lab's prompts never need more latitude.
SAFETY_SETTINGS = [
    {"category": category, "threshold": "BLOCK_MEDIUM_AND_ABOVE"}
    for category in (
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    )
]


# Room an answer keeps after thinking: thinking tokens count against max_output_tokens, so a limit that thinking
# can use up returns an empty answer (finish reason MAX_TOKENS) and biases comparisons.
MIN_ANSWER_TOKENS = 1024
# Output room a profile that lets the model think at its default level keeps for thinking plus the answer.
THINKING_ROOM_TOKENS = 4096


@dataclass(frozen=True)
class GenerationProfile:
    """One way of calling a model: which model setting, which sampling, which tools, how much thinking.

    `thinking_level` is sent as `thinking_config.thinking_level` (LOW, MEDIUM, HIGH): the way the current
    Gemini families control thinking (Gemini 4 rejects a thinking budget, and none of the current models can
    turn thinking off; see genops/models/models.json). None sends no thinking_config: the model thinks at its
    default level, so `max_output_tokens` must leave room for it (THINKING_ROOM_TOKENS).
    Sampling (temperature, top_p, top_k) is sent only to models that accept it: `generation_config(model=...)`
    leaves out what the model table says the model's family advises against.
    """

    name: str
    model_setting: str  # the GENOPS_ variable that names the model
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    google_search: bool = False
    max_output_tokens: int = 4096
    thinking_level: str | None = None

    def __post_init__(self):
        if self.thinking_level not in (None, *THINKING_LEVELS):
            raise ValueError(f"profile {self.name!r}: thinking_level must be one of {THINKING_LEVELS} or None")
        room = THINKING_ROOM_TOKENS if self.thinking_level is None else MIN_ANSWER_TOKENS
        if self.max_output_tokens < room:
            raise ValueError(
                f"profile {self.name!r}: max_output_tokens={self.max_output_tokens} leaves less than {room} tokens "
                f"for thinking and the answer"
            )

    def generation_config(self, system_instruction: str = SYSTEM_INSTRUCTION, *, model: str | None = None) -> dict:
        """The GenerateContentConfig dict; with `model`, without the sampling fields its family advises against."""
        sampling = {"temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k}
        if model is not None:
            from genops.models.table import table

            facts = table().facts(model)
            if facts is not None:
                sampling = {k: v for k, v in sampling.items() if k not in facts.sampling["advised_against"]}
        generation = {
            "system_instruction": system_instruction,
            "safety_settings": SAFETY_SETTINGS,
            "max_output_tokens": self.max_output_tokens,
            **{key: value for key, value in sampling.items() if value is not None},
        }
        if self.thinking_level is not None:
            generation["thinking_config"] = {"thinking_level": self.thinking_level}
        if self.google_search:
            generation["tools"] = [{"google_search": {}}]
        return generation


THINKING_LEVELS = ("LOW", "MEDIUM", "HIGH")

PROFILES: tuple[GenerationProfile, ...] = (
    # Every profile lets the model think at its default level (no thinking_config): the current models cannot
    # turn thinking off, and Vertex AI's v1beta1 GenerationConfig the lab validates against has no thinking level.
    GenerationProfile("pro", "GENOPS_PRO_MODEL", max_output_tokens=8192),
    GenerationProfile("flash", "GENOPS_FLASH_MODEL"),
    GenerationProfile("deterministic", "GENOPS_FLASH_MODEL", temperature=0.0, top_p=0.1, top_k=1),
    GenerationProfile("balanced", "GENOPS_FLASH_MODEL", temperature=0.5, top_p=0.8, top_k=20),
    GenerationProfile("random", "GENOPS_FLASH_MODEL", temperature=1.5, top_p=1.0, top_k=40),
    GenerationProfile("grounded", "GENOPS_FLASH_MODEL", google_search=True),
)

PROFILES_BY_NAME = {profile.name: profile for profile in PROFILES}


def model_settings(profiles: Iterable[GenerationProfile]) -> list[str]:
    """The GENOPS_ model settings `profiles` call, each once and sorted: what a DAG's preflight checks."""
    return sorted({profile.model_setting for profile in profiles})
