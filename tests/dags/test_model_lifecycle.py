"""Model lifecycle in preflight: a retired model fails before any spend naming its setting, retirement date and
replacement; a model close to retirement passes with a recorded warning and the log marker the alert policy
matches; a 403 from models.get is a missing permission, not a missing model."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from google.genai import errors

from genops.core import config
from genops.gates.preflight import missing_models, model_standings
from genops.models.lifecycle import WARNING_MARKER, standing
from genops.models.table import table
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag

RETIRED_MODEL = next(m for m, f in table().models.items() if f.retires and f.retires <= table().read_on)


def retiring_model() -> tuple[str, date]:
    """A model of the table that is not retired on the day the table was read, and its retirement day."""
    facts = min(
        (f for f in table().models.values() if f.retires and f.retires > table().read_on), key=lambda f: f.retires
    )
    return facts.model, facts.retires


def test_the_default_models_are_current_for_at_least_six_months_after_the_table_was_read():
    for setting in ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL", "GENOPS_TUNING_SOURCE_MODEL"):
        facts = table().facts(config.SETTINGS[setting].default)
        assert facts.launch_stage == "GA" and facts.retires >= table().read_on + timedelta(days=182), setting
    assert config.SETTINGS["GENOPS_PRO_MODEL"].default != config.SETTINGS["GENOPS_FLASH_MODEL"].default
    assert table().facts(config.SETTINGS["GENOPS_TUNING_SOURCE_MODEL"].default).supervised_tuning


def test_a_retired_model_is_a_problem_naming_setting_model_date_and_replacement():
    facts = table().facts(RETIRED_MODEL)
    problems, warnings = model_standings({"GENOPS_FLASH_MODEL": RETIRED_MODEL}, table().read_on)
    (problem,) = problems
    assert warnings == [] and problem.setting == "GENOPS_FLASH_MODEL" and problem.value == RETIRED_MODEL
    assert facts.retires.isoformat() in problem.problem and facts.replacements[0] in problem.problem


def test_a_model_ten_days_from_retirement_warns_and_a_tuning_base_past_its_access_cutoff_warns():
    model, retires = retiring_model()
    state = standing("GENOPS_FLASH_MODEL", model, retires - timedelta(days=10))
    assert state.status == "retiring" and state.days_left == 10 and state.log_line().startswith(WARNING_MARKER)
    assert standing("GENOPS_FLASH_MODEL", model, retires - timedelta(days=31)).status == "current"
    facts = table().facts(model)
    cutoff = table().models | {model: type(facts)(**{**facts.__dict__, "new_access_blocked": retires - timedelta(60)})}
    custom = type(table())(**{**table().__dict__, "models": cutoff})
    day = retires - timedelta(days=45)
    assert standing("GENOPS_TUNING_SOURCE_MODEL", model, day, tuning=True, models=custom).status == "retiring"
    assert standing("GENOPS_FLASH_MODEL", model, day, models=custom).status == "current"


def test_models_get_403_is_reported_as_a_missing_permission():
    def forbidden(model):
        raise errors.ClientError(403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "denied"}})

    (problem,) = missing_models({"GENOPS_PRO_MODEL": config.SETTINGS["GENOPS_PRO_MODEL"].default}, forbidden)
    assert "403 PERMISSION_DENIED" in problem.problem and "missing permission, not a missing model" in problem.problem


def test_a_retired_model_fails_a_lab_dag_in_preflight_before_any_call(dagbag, genops_env):
    """With retries on (as deployed): preflight fails once; not even models.get is asked."""
    genai = install_fake_genai(genops_env)
    genops_env.setenv("GENOPS_FLASH_MODEL", RETIRED_MODEL)
    result = run_dag(dagbag.get_dag("count_tokens"), retries=True)

    states = result.task_states
    assert states.pop("preflight") == "failed" and result.try_numbers()["preflight"] == 1
    assert set(states.values()) == {"upstream_failed"} and genai.client.calls == []
    reason = result.xcom("preflight", key="decision")["reason"]
    facts = table().facts(RETIRED_MODEL)
    assert reason.startswith(f"GENOPS_FLASH_MODEL={RETIRED_MODEL!r}: ")
    assert facts.retires.isoformat() in reason and facts.replacements[0] in reason


def test_a_model_ten_days_from_retirement_passes_preflight_with_the_warning_recorded_and_logged(
    dagbag, genops_env, caplog
):
    caplog.set_level(logging.INFO)
    model, retires = retiring_model()
    genai = install_fake_genai(genops_env)
    genops_env.setenv("GENOPS_FLASH_MODEL", model)
    day = datetime.combine(retires - timedelta(days=10), datetime.min.time(), UTC)
    result = run_dag(dagbag.get_dag("count_tokens"), retries=True, logical_date=day)

    assert result.task_states["preflight"] == "success"
    decision = result.xcom("preflight", key="decision")
    assert decision["passed"] is True and len(decision["warnings"]) == 1 and "in 10 days" in decision["warnings"][0]
    assert f"{WARNING_MARKER} status=retiring setting=GENOPS_FLASH_MODEL model={model}" in caplog.text
    assert "models.get" in genai.client.methods_called()


@pytest.mark.parametrize("setting", ["GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL", "GENOPS_TUNING_SOURCE_MODEL"])
def test_the_defaults_are_found_by_a_models_get_that_404s_every_retired_model(setting):
    from tests.dags.fakes import FakeGenAIClient

    client = FakeGenAIClient()
    assert missing_models({setting: config.SETTINGS[setting].default}, lambda m: client.models.get(model=m)) == []


# --- the daily model_lifecycle DAG -----------------------------------------------------------------------------


def succeeded_tuning_job(base_model: str, endpoint: str = "projects/p/locations/us-central1/endpoints/7"):
    from google.genai import types

    return types.TuningJob(
        name="projects/p/locations/us-central1/tuningJobs/1",
        state=types.JobState.JOB_STATE_SUCCEEDED,
        base_model=base_model,
        labels={"genops_dag": "supervised_fine_tuning", "genops_run": "manual__1"},
        tuned_model=types.TunedModel(model="projects/p/locations/us-central1/models/3", endpoint=endpoint),
        create_time=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_the_lifecycle_dag_records_a_passing_decision_on_current_defaults(dagbag, genops_env):
    genai = install_fake_genai(genops_env)
    result = run_dag(dagbag.get_dag("model_lifecycle"), retries=True)

    assert result.task_states == {"check_model_lifecycle": "success"}
    decision = result.xcom("check_model_lifecycle", key="decision")
    assert decision["gate"] == "model_lifecycle" and decision["passed"] is True and decision["warnings"] == []
    asked = sorted(c.kwargs["model"] for c in genai.client.calls if c.method == "models.get")
    defaults = sorted(config.SETTINGS[s].default for s in ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL"))
    assert set(defaults) <= set(asked), "every configured model is asked for with models.get"


def test_the_lifecycle_dag_warns_for_a_tuned_endpoint_whose_base_retires_soon(dagbag, genops_env, caplog):
    caplog.set_level(logging.INFO)
    model, retires = retiring_model()
    genai = install_fake_genai(genops_env)
    genai.client.listed_tuning_jobs = [succeeded_tuning_job(model)]
    day = datetime.combine(retires - timedelta(days=10), datetime.min.time(), UTC)
    result = run_dag(dagbag.get_dag("model_lifecycle"), retries=True, logical_date=day)

    assert result.task_states == {"check_model_lifecycle": "success"}
    decision = result.xcom("check_model_lifecycle", key="decision")
    (warning,) = decision["warnings"]
    assert "endpoints/7" in warning and model in warning and "in 10 days" in warning
    assert f"{WARNING_MARKER} status=retiring setting=tuned endpoint" in caplog.text


def test_the_lifecycle_dag_fails_once_on_a_retired_configured_model_naming_the_replacement(dagbag, genops_env, caplog):
    caplog.set_level(logging.INFO)
    install_fake_genai(genops_env)
    genops_env.setenv("GENOPS_PRO_MODEL", RETIRED_MODEL)
    result = run_dag(dagbag.get_dag("model_lifecycle"), retries=True)

    assert result.task_states == {"check_model_lifecycle": "failed"}
    assert result.try_numbers()["check_model_lifecycle"] == 1, "a retired model does not come back on retry"
    decision = result.xcom("check_model_lifecycle", key="decision")
    assert decision["passed"] is False and table().facts(RETIRED_MODEL).replacements[0] in decision["reason"]
    assert f"{WARNING_MARKER} status=retired setting=GENOPS_PRO_MODEL model={RETIRED_MODEL}" in caplog.text
