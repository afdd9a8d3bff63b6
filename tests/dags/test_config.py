"""The GENOPS_ config contract: defaults, required values, and clear errors for bad input."""

from __future__ import annotations

import ast
import json

import pytest

from genops.core import config
from tests.conftest import DAGS_FOLDER


def test_required_setting_missing_names_the_variable_and_where_to_set_it(monkeypatch):
    monkeypatch.delenv("GENOPS_DATA_BUCKET", raising=False)
    with pytest.raises(config.MissingSettingError, match="GENOPS_DATA_BUCKET is not set") as err:
        config.get("GENOPS_DATA_BUCKET")
    assert "Terraform" in str(err.value) and "local.env" in str(err.value)


def test_blank_value_counts_as_missing(monkeypatch):
    monkeypatch.setenv("GENOPS_PROJECT_ID", "   ")
    with pytest.raises(config.MissingSettingError):
        config.get("GENOPS_PROJECT_ID")


def test_default_applies_and_environment_overrides(monkeypatch):
    monkeypatch.delenv("GENOPS_REGION", raising=False)
    assert config.get("GENOPS_REGION") == "us-central1"
    monkeypatch.setenv("GENOPS_REGION", "europe-west4")
    assert config.get("GENOPS_REGION") == "europe-west4"


def test_unknown_setting_is_a_programming_error():
    with pytest.raises(KeyError, match="declare it"):
        config.get("GENOPS_NOPE")
    with pytest.raises(KeyError):
        config.templated("GENOPS_NOPE")


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "1.5"])
def test_token_budget_must_be_a_positive_integer(monkeypatch, raw):
    monkeypatch.setenv("GENOPS_TOKEN_BUDGET", raw)
    with pytest.raises(config.InvalidSettingError, match="GENOPS_TOKEN_BUDGET"):
        config.get_int("GENOPS_TOKEN_BUDGET")


def test_thresholds_default_parses_and_is_in_range(monkeypatch):
    monkeypatch.delenv("GENOPS_EVAL_THRESHOLDS", raising=False)
    thresholds = config.eval_thresholds()
    assert thresholds and set(thresholds) <= set(config.METRIC_RANGES)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "non-empty JSON object"),
        ('{"fluency": 3}', "unknown metric 'fluency'"),
        ('{"rouge_l_sum": 1.5}', "from 0.0 to 1.0"),
        ('{"summarization_quality": true}', "from 1.0 to 5.0"),
    ],
)
def test_bad_thresholds_get_a_clear_error(monkeypatch, raw, message):
    monkeypatch.setenv("GENOPS_EVAL_THRESHOLDS", raw)
    with pytest.raises(config.InvalidSettingError, match="GENOPS_EVAL_THRESHOLDS") as err:
        config.eval_thresholds()
    assert message in str(err.value)


def test_comparison_metric_must_be_known(monkeypatch):
    monkeypatch.setenv("GENOPS_COMPARISON_METRIC", "fluency")
    with pytest.raises(config.InvalidSettingError, match="GENOPS_COMPARISON_METRIC"):
        config.metric_name("GENOPS_COMPARISON_METRIC")


def test_templated_renders_through_the_macro(monkeypatch):
    import jinja2

    monkeypatch.setenv("GENOPS_PROJECT_ID", "p-123")
    rendered = jinja2.Template(config.templated("GENOPS_PROJECT_ID")).render(**config.MACROS)
    assert rendered == "p-123"


def test_every_setting_is_prefixed_described_and_defaults_are_valid():
    for name, setting in config.SETTINGS.items():
        assert name.startswith(config.PREFIX) and setting.description.endswith(".")
    assert json.loads(config.SETTINGS["GENOPS_EVAL_THRESHOLDS"].default)
    assert config.SETTINGS["GENOPS_COMPARISON_METRIC"].default in config.METRIC_RANGES


def test_dag_files_read_only_declared_settings_by_literal_name():
    """Every GENOPS_ name a DAG file mentions is declared, so a typo cannot hide until run time."""
    mentioned = set()
    shared = [p for p in DAGS_FOLDER.glob("genops/**/*.py") if "samples" not in p.parts]  # as before: lab code
    for path in [*DAGS_FOLDER.glob("*.py"), *shared]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("GENOPS_"):
                mentioned.add(node.value)
    mentioned.discard(config.PREFIX)
    assert mentioned and mentioned <= set(config.SETTINGS)


@pytest.mark.parametrize("raw", ["0", "65", "eight", "2.5"])
def test_eval_concurrency_is_a_whole_number_from_1_to_64(monkeypatch, raw):
    from genops.evaluation.scoring import eval_concurrency

    monkeypatch.setenv("GENOPS_EVAL_CONCURRENCY", raw)
    with pytest.raises(config.InvalidSettingError, match=r"GENOPS_EVAL_CONCURRENCY=.*integer from 1 to 64"):
        eval_concurrency()


def test_eval_concurrency_default(monkeypatch):
    from genops.evaluation.scoring import eval_concurrency

    monkeypatch.delenv("GENOPS_EVAL_CONCURRENCY", raising=False)
    assert eval_concurrency() == 16
