"""Terraform sets exactly the GENOPS_ settings that dags/genops/core/config.py declares, with its defaults."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from genops.core import config as CONFIG  # dags/ is on pythonpath; config.py imports only the standard library
from tests.terraform.hcl_tree import TERRAFORM, blocks, locals_of, variable_default

COMPOSER = TERRAFORM / "modules" / "composer"

# Settings whose value comes from another root input or from a created resource, not a genops_* variable.
ROOT_INPUTS = {
    "GENOPS_REGION": "region",
    "GENOPS_BQ_DATASET": "bigquery_dataset_id",
    "GENOPS_BQ_TABLE": "bigquery_table_id",
}
FROM_RESOURCES = {
    "GENOPS_PROJECT_ID",
    "GENOPS_DATA_BUCKET",
    "GENOPS_BQ_DATASET",
    "GENOPS_BQ_TABLE",
    "GENOPS_FEEDBACK_TABLE",  # the sample tables: module.bigquery creates them from var.genops_*_table
    "GENOPS_VIDEO_SCENES_TABLE",
    "GENOPS_USAGE_TABLE",  # the usage ledger: module.bigquery creates it from var.genops_usage_table
}


ENV_VARIABLES = locals_of(COMPOSER)["env_variables"]
(COMPOSER_CALL,) = [c for c in blocks("module", TERRAFORM) if c.labels == ("composer",)]


def _attribute(name: str) -> str:
    return name.removeprefix("GENOPS_").lower()


def test_env_variables_are_exactly_the_settings():
    assert set(ENV_VARIABLES) == set(CONFIG.SETTINGS), (
        f"missing in Terraform: {sorted(set(CONFIG.SETTINGS) - set(ENV_VARIABLES))}; "
        f"not in config.py: {sorted(set(ENV_VARIABLES) - set(CONFIG.SETTINGS))}"
    )


def test_environment_uses_the_env_variables():
    (resource,) = [b for b in blocks("resource", COMPOSER) if b.labels[0] == "google_composer_environment"]
    (software,) = resource.body["config"][0]["software_config"]
    assert software["env_variables"] == "${local.env_variables}"


@pytest.mark.parametrize("name", sorted(CONFIG.SETTINGS))
def test_each_setting_is_wired_from_the_root(name):
    attribute = _attribute(name)
    assert attribute in ENV_VARIABLES[name], f"{name} must be set from var.genops.{attribute}"
    source = COMPOSER_CALL.body["genops"][attribute]
    if name in FROM_RESOURCES:
        assert source.startswith(("${module.", "${var.project_id}")), f"{name} must come from a created resource"
    else:
        expected = ROOT_INPUTS.get(name, f"genops_{attribute}")
        assert source == f"${{var.{expected}}}", f"{name} must come from var.{expected}, got {source}"


@pytest.mark.parametrize("name", sorted(n for n, s in CONFIG.SETTINGS.items() if s.default is not None))
def test_root_defaults_equal_config_defaults(name):
    variable = ROOT_INPUTS.get(name, f"genops_{_attribute(name)}")
    default = variable_default(variable)
    expected = CONFIG.SETTINGS[name].default
    if isinstance(default, dict):
        assert default == json.loads(expected), f"var.{variable} default {default} != config.py {expected}"
    else:
        assert str(default) == expected, f"var.{variable} default {default!r} != config.py {expected!r}"


def test_metric_ranges_equal_config():
    ranges = {metric: tuple(bounds) for metric, bounds in locals_of(TERRAFORM)["metric_ranges"].items()}
    assert ranges == CONFIG.METRIC_RANGES


def test_airflow_config_overrides_exist_in_airflow():
    spec = importlib.util.find_spec("airflow")
    if spec is None or spec.origin is None:
        pytest.skip("apache-airflow is not installed in this venv")
    options = yaml.safe_load((Path(spec.origin).parent / "config_templates" / "config.yml").read_text())
    for key in locals_of(COMPOSER)["platform_airflow_config"]:
        section, option = key.split("-", 1)
        assert option in options.get(section, {}).get("options", {}), f"{key} is not an Airflow option"
