"""Where a configured model stands on a given day, from the model table: current, retiring soon, or retired.

A tuned endpoint inherits its base model's dates (Google: a tuned model shares its base model's
discontinuation date), so callers pass the base model of a tuned endpoint.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from genops.models.table import ModelTable, model_id, table

# The line a lifecycle warning logs; Cloud Monitoring's model-lifecycle alert policy matches it.
WARNING_MARKER = "GEMINI_MODEL_LIFECYCLE"


@dataclass(frozen=True)
class ModelStanding:
    setting: str
    model: str
    status: str  # current | retiring | retired | unlisted
    retires: str | None
    days_left: int | None
    replacements: list[str]
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def warns(self) -> bool:
        return self.status == "retiring"

    def log_line(self) -> str:
        """The marker line of a retiring or retired model (one line, key=value pairs the alert policy extracts)."""
        return (
            f"{WARNING_MARKER} status={self.status} setting={self.setting} model={self.model} retires={self.retires} "
            f"days_left={self.days_left} replacement={','.join(self.replacements) or 'none'}: {self.reason}"
        )


def standing(
    setting: str, model: str, today: date, *, tuning: bool = False, models: ModelTable | None = None
) -> ModelStanding:
    """How `model` (configured as `setting`) stands on `today`.

    retired: on or after its retirement date (a request answers 404). retiring: within the table's warning
    window (warn_days_before_retirement) of that date, or, when `tuning`, past the date Google blocks new
    access. unlisted: not in the table (models.get decides whether it exists).
    """
    models = models or table()
    facts = models.facts(model)
    bare = model_id(model)
    if facts is None:
        return ModelStanding(setting, bare, "unlisted", None, None, [], "not in the model table; models.get decides")
    replacements = list(facts.replacements)
    if facts.retires is None:
        return ModelStanding(setting, bare, "current", None, None, replacements, "no retirement date announced")
    days_left = (facts.retires - today).days
    retires = facts.retires.isoformat()
    instead = f"; replace it with {' or '.join(replacements)}" if replacements else ""
    if days_left <= 0:
        status, reason = "retired", f"{bare} was retired on {retires}{instead}"
    elif tuning and facts.new_access_blocked and today >= facts.new_access_blocked:
        blocked = facts.new_access_blocked.isoformat()
        status = "retiring"
        reason = f"new tuning access to {bare} was blocked on {blocked}; it retires on {retires}{instead}"
    elif days_left <= models.warn_days:
        status, reason = "retiring", f"{bare} retires on {retires}, in {days_left} days{instead}"
    else:
        status, reason = "current", f"{bare} retires on {retires}"
    return ModelStanding(setting, bare, status, retires, days_left, replacements, reason)
