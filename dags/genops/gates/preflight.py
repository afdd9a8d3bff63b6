"""Preflight: every setting a DAG will spend with, checked before the first paid call.

A DAG that tunes, evaluates or generates names the settings it uses in its first task (`preflight` in
genops.gates.tasks). Each is checked here as the task that uses it would read it (thresholds against the
metrics the evaluation reports, budgets, concurrency, the experiment name, model names), and, where Google
Cloud credentials exist, every configured model is asked for with `models.get`. All problems are reported
at once, each naming its GENOPS_ variable and the fix, as a plain-data decision.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from genops.core import config

log = logging.getLogger(__name__)

MODEL_SETTINGS = ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL", "GENOPS_TUNING_SOURCE_MODEL")
# A Gemini model id (optionally versioned, -001 or @001) or a full publisher/model resource name.
MODEL_NAME = re.compile(r"(projects/[^/\s]+/locations/[^/\s]+/)?(publishers/[a-z0-9-]+/models/)?[a-z0-9][a-z0-9.@-]*")
EXPERIMENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
# Longest experiment name that leaves a run name room for its DAG, run, try and configuration parts.
EXPERIMENT_NAME_MAX = 64
MODEL_LIFECYCLE_HINT = "see docs/models.md#how-to-migrate"
TUNING_SETTINGS = ("GENOPS_TUNING_SOURCE_MODEL",)


@dataclass(frozen=True)
class SettingProblem:
    setting: str
    value: str | None
    problem: str

    def __str__(self) -> str:
        return f"{self.setting}={self.value!r}: {self.problem}"

    def as_dict(self) -> dict:
        return asdict(self)


def _value(name: str) -> str | None:
    try:
        return config.get(name)
    except config.MissingSettingError:
        return None


def _thresholds(produced: frozenset[str]) -> str | None:
    thresholds = config.eval_thresholds()
    unknown = sorted(set(thresholds) - produced)
    if unknown:
        return f"thresholds {unknown} name metrics the evaluation does not report; use some of {sorted(produced)}"
    return None


def _comparison_metric(produced: frozenset[str]) -> str | None:
    metric = config.metric_name("GENOPS_COMPARISON_METRIC")
    if metric not in produced:
        return f"the evaluation does not report {metric}; use one of {sorted(produced)}"
    return None


def _experiment_name(produced: frozenset[str]) -> str | None:
    name = config.get("GENOPS_EXPERIMENT_NAME")
    if not EXPERIMENT_NAME.fullmatch(name) or len(name) > EXPERIMENT_NAME_MAX:
        return (
            f"set it to 1-{EXPERIMENT_NAME_MAX} lowercase letters, digits or hyphens (a Vertex AI experiment id "
            f"that leaves room for run names), e.g. genops-eval"
        )
    return None


def _model_name(name: str) -> Callable[[frozenset[str]], str | None]:
    def check(produced: frozenset[str]) -> str | None:
        if not MODEL_NAME.fullmatch(config.get(name)):
            return f"is not a Gemini model id or publisher model path; {MODEL_LIFECYCLE_HINT}"
        return None

    return check


CHECKS: dict[str, Callable[[frozenset[str]], str | None]] = {
    "GENOPS_EVAL_THRESHOLDS": _thresholds,
    "GENOPS_COMPARISON_METRIC": _comparison_metric,
    "GENOPS_TOKEN_BUDGET": lambda produced: config.get_int("GENOPS_TOKEN_BUDGET") and None,
    "GENOPS_EVAL_CONCURRENCY": lambda produced: (
        config.get_int("GENOPS_EVAL_CONCURRENCY", minimum=1, maximum=config.EVAL_CONCURRENCY_MAX) and None
    ),
    "GENOPS_EXPERIMENT_NAME": _experiment_name,
    "GENOPS_APPROVERS": lambda produced: (
        "list Airflow user ids separated by commas, none with spaces inside"
        if any(any(ch.isspace() for ch in user) for user in config.approvers())
        else None
    ),
    "GENOPS_APPROVAL_TIMEOUT": lambda produced: config.duration_seconds("GENOPS_APPROVAL_TIMEOUT") and None,
    "GENOPS_REGRESSION_TOLERANCE": lambda produced: config.fraction("GENOPS_REGRESSION_TOLERANCE") and None,
    "GENOPS_CANARY_BASELINE": lambda produced: config.metric_scores("GENOPS_CANARY_BASELINE") and None,
    "GENOPS_EVAL_MODE": lambda produced: config.eval_mode() and None,
    "GENOPS_BATCH_MIN_EXAMPLES": lambda produced: config.get_int("GENOPS_BATCH_MIN_EXAMPLES") and None,
    **{name: _model_name(name) for name in MODEL_SETTINGS},
}


def setting_problems(settings: Iterable[str], produced_metrics: Iterable[str]) -> list[SettingProblem]:
    """What is wrong with `settings`, each checked as the task that uses it would read it."""
    produced = frozenset(produced_metrics)
    problems = []
    for name in settings:
        if name not in CHECKS:
            raise KeyError(f"preflight has no check for {name}; add one to genops.gates.preflight.CHECKS")
        try:
            problem = CHECKS[name](produced)
        except (config.InvalidSettingError, config.MissingSettingError) as err:
            problem = str(err)
        if problem:
            problems.append(SettingProblem(name, _value(name), problem))
    return problems


def model_standings(models: dict[str, str], today) -> tuple[list[SettingProblem], list]:
    """(problems, warnings) for the configured models (setting -> model id) on `today`, from the model table.

    A retired model is a problem naming the setting, the model, its retirement date and replacement; a model
    within the warning window of retirement (or, as a tuning base, past Google's new-access cut-off) is a
    warning (a `ModelStanding` that `warns`).
    """
    from genops.models.lifecycle import standing

    problems, warnings = [], []
    for setting, model in sorted(models.items()):
        state = standing(setting, model, today, tuning=setting in TUNING_SETTINGS)
        if state.status == "retired":
            problems.append(SettingProblem(setting, model, f"{state.reason}; {MODEL_LIFECYCLE_HINT}"))
        elif state.warns:
            warnings.append(state)
    return problems, warnings


def missing_models(models: dict[str, str], get_model: Callable[[str], object]) -> list[SettingProblem]:
    """The configured models (setting -> model id) that `get_model` (google-genai `models.get`) does not find."""
    from google.genai import errors

    problems = []
    for setting, model in sorted(models.items()):
        try:
            get_model(model)
        except errors.ClientError as err:
            if err.code not in (400, 403, 404):
                raise
            if err.code == 403:
                problems.append(
                    SettingProblem(
                        setting,
                        model,
                        f"models.get answered 403 {err.status}: {err.message}. The model was not checked: the "
                        f"DAG's identity lacks permission to read Vertex AI publisher models in "
                        f"GENOPS_PROJECT_ID (grant it roles/aiplatform.user); this is a missing permission, "
                        f"not a missing model",
                    )
                )
                continue
            problems.append(
                SettingProblem(
                    setting,
                    model,
                    f"models.get answered {err.code} {err.status}: {err.message}. The model may be retired or "
                    f"not offered in GENOPS_REGION={config.get('GENOPS_REGION')}; {MODEL_LIFECYCLE_HINT}",
                )
            )
    return problems
