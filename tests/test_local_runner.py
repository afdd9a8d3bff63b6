"""`make local`'s settings handling, without starting anything (the stack itself: tests/e2e)."""

from __future__ import annotations

import importlib.util

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


def test_example_env_file_is_valid_and_sets_a_local_data_bucket():
    settings = airflow_local.read_env_file(REPO / "local.env.example")

    assert {name for name in settings if name.startswith("GENOPS_")} <= set(config.SETTINGS)
    assert settings["GENOPS_DATA_BUCKET"].startswith("./")


def test_local_bucket_is_seeded_with_the_sample_training_file_once(tmp_path):
    settings = {"GENOPS_DATA_BUCKET": str(tmp_path / "data"), "GENOPS_TRAINING_DATA_OBJECT": "t/train.jsonl"}
    assert airflow_local.seed_data_bucket(settings) == str(tmp_path / "data")
    seeded = tmp_path / "data" / "t" / "train.jsonl"
    assert seeded.read_bytes() == (REPO / "dags" / "genops" / "data" / "sft_train.jsonl").read_bytes()

    seeded.write_text("mine\n")
    airflow_local.seed_data_bucket(settings)
    assert seeded.read_text() == "mine\n", "an existing file is the user's: never overwritten"


def test_a_bucket_name_is_not_seeded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert airflow_local.seed_data_bucket({"GENOPS_DATA_BUCKET": "genops-data"}) is None
    assert list(tmp_path.iterdir()) == []
