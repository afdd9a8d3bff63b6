"""The Gemini model table (models.json) as typed, validated data."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("models.json")
PUBLISHER_MODEL = "publishers/google/models/"
STATUSES = ("current", "retiring", "retired", "unlisted")


class ModelTableError(ValueError):
    """models.json is malformed: a missing field, an unknown source, a default the table does not list."""


@dataclass(frozen=True)
class ModelFacts:
    model: str
    family: str
    launch_stage: str
    released: date
    retires: date | None
    new_access_blocked: date | None
    replacements: tuple[str, ...]
    supervised_tuning: bool
    thinking: dict
    sampling: dict
    prices: dict
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ModelTable:
    read_on: date
    warn_days: int
    sources: dict[str, dict]
    defaults: dict[str, str]
    defaults_why: dict[str, str]
    models: dict[str, ModelFacts]
    free_call_kinds: frozenset[str]

    def facts(self, model: str) -> ModelFacts | None:
        return self.models.get(model_id(model))


def model_id(model: str) -> str:
    """The bare model id of a model name or publisher model path; other resources (endpoints) unchanged."""
    return model.rsplit(PUBLISHER_MODEL, 1)[1] if PUBLISHER_MODEL in model else model


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def parse(document: dict) -> ModelTable:
    try:
        sources = document["sources"]
        models = {}
        for name, entry in document["models"].items():
            unknown = [s for s in entry["sources"] + [entry["prices"]["source"]] if s not in sources]
            if unknown:
                raise ModelTableError(f"{name}: sources {unknown} are not in the table's sources")
            models[name] = ModelFacts(
                model=name,
                family=entry["family"],
                launch_stage=entry["launch_stage"],
                released=date.fromisoformat(entry["released"]),
                retires=_date(entry["retires"]),
                new_access_blocked=_date(entry["new_access_blocked"]),
                replacements=tuple(entry["replacements"]),
                supervised_tuning=bool(entry["supervised_tuning"]),
                thinking=entry["thinking"],
                sampling=entry["sampling"],
                prices=entry["prices"],
                sources=tuple(entry["sources"]),
            )
        for name, facts in models.items():
            missing = [r for r in facts.replacements if r not in models]
            if missing:
                raise ModelTableError(f"{name}: replacements {missing} are not in the table")
        for setting, model in document["defaults"].items():
            if model not in models:
                raise ModelTableError(f"default {setting}={model!r} is not in the table")
        for key, source in sources.items():
            if not source.get("url", "").startswith("https://") or not source.get("read"):
                raise ModelTableError(f"source {key!r} needs an https url and the date it was read")
        return ModelTable(
            read_on=date.fromisoformat(document["read_on"]),
            warn_days=int(document["warn_days_before_retirement"]),
            sources=sources,
            defaults=dict(document["defaults"]),
            defaults_why=dict(document["defaults_why"]),
            models=models,
            free_call_kinds=frozenset(document.get("free_call_kinds", ())),
        )
    except (KeyError, TypeError) as err:
        raise ModelTableError(f"{TABLE_FILE.name} is malformed: {err!r}") from None


@functools.cache
def table() -> ModelTable:
    return parse(json.loads(TABLE_FILE.read_text(encoding="utf-8")))


def default_model(setting: str) -> str:
    """The table's default model for a GENOPS_*_MODEL setting (read without parsing the whole table)."""
    return json.loads(TABLE_FILE.read_text(encoding="utf-8"))["defaults"][setting]
