"""The model lifecycle check: every configured model, and the base model of the tuned endpoint last published,
against the model table's dates and `models.get`, as one recorded decision.

The daily `model_lifecycle` DAG runs it, so operators hear of a retirement 30 days ahead (the log marker
`GEMINI_MODEL_LIFECYCLE` drives the Cloud Monitoring alert policy "Gemini model retiring"), not on
the day a DAG's preflight starts failing.
"""

from __future__ import annotations

import logging

from genops.core import config
from genops.core.compat import AirflowFailException, task
from genops.gates.decisions import GateDecision
from genops.gates.preflight import MODEL_SETTINGS, TUNING_SETTINGS, SettingProblem, missing_models
from genops.models.lifecycle import ModelStanding, standing

log = logging.getLogger(__name__)

TUNED_ENDPOINT_SETTING = "tuned endpoint"


def served_tuned_model(client) -> tuple[str, str] | None:
    """(endpoint, base model) of the newest succeeded tuning job a GenOps DAG started, or None.

    A tuned model shares its base model's retirement date, so the endpoint it serves on is checked by its base.
    """
    from google.genai import types

    from genops.core.lineage import DAG_LABEL, state_of
    from genops.tuning.jobs import SUCCEEDED

    jobs = [
        job
        for job in client.tunings.list(config=types.ListTuningJobsConfig(page_size=100))
        if DAG_LABEL in (job.labels or {}) and state_of(job) == SUCCEEDED and job.tuned_model and job.base_model
    ]
    if not jobs:
        return None
    newest = max(jobs, key=lambda job: (job.end_time or job.create_time or 0, job.name))
    return newest.tuned_model.endpoint, newest.base_model


def lifecycle_decision(states: list[ModelStanding], problems: list[SettingProblem]) -> GateDecision:
    """Fails when a model is retired or models.get refused one; passes with warnings for models retiring soon."""
    retired = [s for s in states if s.status == "retired"]
    warnings = [f"{s.setting}={s.model!r}: {s.reason}" for s in states if s.warns]
    stops = [f"{s.setting}={s.model!r}: {s.reason}" for s in retired] + [str(p) for p in problems]
    if stops:
        return GateDecision("model_lifecycle", False, "; ".join(stops), warnings=warnings)
    reason = f"{len(states)} models checked; none retires within the warning window"
    if warnings:
        reason = f"{len(states)} models checked; WARNING: {'; '.join(warnings)}"
    return GateDecision("model_lifecycle", True, reason, warnings=warnings)


def check(client, today) -> tuple[GateDecision, list[ModelStanding]]:
    """The decision for `today`: configured models (and, with a client, models.get and the served tuned endpoint)."""
    models = {setting: config.get(setting) for setting in MODEL_SETTINGS}
    states = [standing(s, m, today, tuning=s in TUNING_SETTINGS) for s, m in sorted(models.items())]
    problems = []
    if client is not None:
        current = {s.setting: models[s.setting] for s in states if s.status != "retired"}
        problems = missing_models(current, lambda model: client.models.get(model=model))
        served = served_tuned_model(client)
        if served is not None:
            endpoint, base = served
            state = standing(f"{TUNED_ENDPOINT_SETTING} {endpoint} (base)", base, today)
            states.append(state)
    return lifecycle_decision(states, problems), states


@task
def check_model_lifecycle() -> dict:
    """Record the lifecycle decision (XCom "decision"), log the marker line of every retiring or retired model,
    and fail (without retry) when one is retired or missing: a DAG using it would fail its preflight."""
    from genops.gates.tasks import _client_if_credentials, publish, run_day

    decision, states = check(_client_if_credentials(), run_day())
    for state in states:
        if state.status in ("retiring", "retired"):
            log.warning("%s", state.log_line())
    if not publish(decision):
        raise AirflowFailException(f"Model lifecycle: act now. {decision.reason}")
    return {"models": [state.as_dict() for state in states]}
