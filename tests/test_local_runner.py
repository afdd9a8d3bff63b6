"""`make local`'s settings handling and choice of cloud, without starting anything (the stack itself: tests/e2e)."""

from __future__ import annotations

import importlib.util
import re

import pytest

from genops.core import config
from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("airflow_local", REPO / "scripts" / "local" / "airflow_local.py")
airflow_local = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(airflow_local)


def test_env_file_lines_comments_quotes_and_relative_paths(tmp_path):
    env = tmp_path / "local.env"
    env.write_text(
        "# comment\n\nGENOPS_PROJECT_ID=p\nexport GENOPS_REGION='europe-west4'\n"
        'GENOPS_EVAL_THRESHOLDS={"rouge_l_sum": 0.2}\nGENOPS_DATA_BUCKET=./.airflow-local/data\n'
    )
    settings = airflow_local.local_settings(env)

    assert settings["GENOPS_PROJECT_ID"] == "p"
    assert settings["GENOPS_REGION"] == "europe-west4"
    assert settings["GENOPS_EVAL_THRESHOLDS"] == '{"rouge_l_sum": 0.2}'
    assert settings["GENOPS_DATA_BUCKET"] == str(REPO / ".airflow-local" / "data")


def test_env_file_rejects_a_line_that_is_not_key_value(tmp_path):
    env = tmp_path / "local.env"
    env.write_text("GENOPS_PROJECT_ID p\n")
    with pytest.raises(SystemExit, match="local.env:1: expected KEY=VALUE"):
        airflow_local.read_env_file(env)


def test_example_env_file_is_valid_and_names_a_bucket_for_the_emulated_cloud():
    settings = airflow_local.read_env_file(REPO / "local.env.example")

    assert {name for name in settings if name.startswith("GENOPS_")} <= set(config.SETTINGS)
    assert settings["GENOPS_PROJECT_ID"] == airflow_local.PLACEHOLDER_PROJECT
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]", settings["GENOPS_DATA_BUCKET"])
    assert airflow_local.cloud_mode(settings, {"HOME": "/nonexistent"})[0] == "emulated"


@pytest.fixture
def adc(tmp_path):
    path = tmp_path / "key.json"
    path.write_text("{}")
    return {"GOOGLE_APPLICATION_CREDENTIALS": str(path), "HOME": str(tmp_path)}


@pytest.mark.parametrize(
    ("settings", "with_adc", "mode"),
    [
        ({"GENOPS_PROJECT_ID": "acme-dev"}, True, "real"),
        ({"GENOPS_PROJECT_ID": "acme-dev"}, False, "emulated"),  # no credentials
        ({"GENOPS_PROJECT_ID": "genops-local"}, True, "emulated"),  # the placeholder project
        ({"GENOPS_PROJECT_ID": "acme-dev", "AIRFLOW_LOCAL_CLOUD": "emulated"}, True, "emulated"),  # asked
        ({"GENOPS_PROJECT_ID": "genops-local", "AIRFLOW_LOCAL_CLOUD": "real"}, False, "real"),  # asked
    ],
    ids=["credentials-and-project", "no-credentials", "placeholder-project", "asked-emulated", "asked-real"],
)
def test_google_cloud_is_emulated_unless_there_are_credentials_and_a_project(adc, tmp_path, settings, with_adc, mode):
    environ = adc if with_adc else {"HOME": str(tmp_path)}
    chosen, why = airflow_local.cloud_mode(settings, environ)
    assert chosen == mode, why


def test_gcloud_application_default_credentials_count_as_credentials(tmp_path):
    config_dir = tmp_path / "gcloud"
    config_dir.mkdir()
    (config_dir / "application_default_credentials.json").write_text("{}")
    settings = {"GENOPS_PROJECT_ID": "acme-dev"}
    assert airflow_local.cloud_mode(settings, {"CLOUDSDK_CONFIG": str(config_dir)})[0] == "real"


def test_an_unknown_cloud_mode_is_refused_naming_the_setting():
    with pytest.raises(SystemExit, match="AIRFLOW_LOCAL_CLOUD='cloudy': expected auto, emulated or real"):
        airflow_local.cloud_mode({"AIRFLOW_LOCAL_CLOUD": "cloudy"}, {})


def test_a_directory_data_bucket_from_an_old_local_env_becomes_the_emulators_bucket(tmp_path):
    old = {"GENOPS_DATA_BUCKET": str(tmp_path / "data"), "GENOPS_PROJECT_ID": "genops-local"}
    assert airflow_local.emulated_settings(old)["GENOPS_DATA_BUCKET"] == airflow_local.EMULATED_BUCKET
    assert airflow_local.emulated_settings({"GENOPS_DATA_BUCKET": "mine"})["GENOPS_DATA_BUCKET"] == "mine"
