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


# Room an answer keeps after thinking: on Gemini 2.5 models thinking tokens count against max_output_tokens,
# so a limit that thinking can use up returns an empty answer (finish reason MAX_TOKENS) and biases comparisons.
MIN_ANSWER_TOKENS = 1024


@dataclass(frozen=True)
class GenerationProfile:
    """One way of calling a model: which model setting, which sampling, which tools, how much thinking.

    `thinking_budget` is sent as `thinking_config.thinking_budget`: 0 turns thinking off (Gemini 2.5 Flash
    and Flash-Lite), a positive number caps it (Gemini 2.5 Pro cannot turn it off: at least 128). Models
    without thinking (Gemini 2.0 and older) reject a thinking_config: give such a profile `thinking_budget=None`.
    `max_output_tokens` must leave MIN_ANSWER_TOKENS after the thinking budget.
    """

    name: str
    model_setting: str  # the GENOPS_ variable that names the model
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    google_search: bool = False
    max_output_tokens: int = 1024
    thinking_budget: int | None = 0

    def __post_init__(self):
        thinking = self.thinking_budget or 0
        if thinking < 0:
            raise ValueError(f"profile {self.name!r}: set thinking_budget to 0 (off) or a cap, not dynamic (-1)")
        if self.max_output_tokens < thinking + MIN_ANSWER_TOKENS:
            raise ValueError(
                f"profile {self.name!r}: max_output_tokens={self.max_output_tokens} leaves less than "
                f"{MIN_ANSWER_TOKENS} tokens for the answer after thinking_budget={thinking}"
            )

    def generation_config(self, system_instruction: str = SYSTEM_INSTRUCTION) -> dict:
        sampling = {"temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k}
        generation = {
            "system_instruction": system_instruction,
            "safety_settings": SAFETY_SETTINGS,
            "max_output_tokens": self.max_output_tokens,
            **{key: value for key, value in sampling.items() if value is not None},
        }
        if self.thinking_budget is not None:
            generation["thinking_config"] = {"thinking_budget": self.thinking_budget}
        if self.google_search:
            generation["tools"] = [{"google_search": {}}]
        return generation


PROFILES: tuple[GenerationProfile, ...] = (
    # Gemini 2.5 Pro always thinks: a capped budget, and output room for it plus the answer.
    GenerationProfile("pro", "GENOPS_PRO_MODEL", thinking_budget=1024, max_output_tokens=4096),
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
