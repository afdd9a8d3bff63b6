"""The emulated cloud `make local` starts (scripts/local/cloud/stack.py): what it provisions, that the real staging
scripts fill the emulated bucket through the clients' standard settings, and that stopping leaves nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request

import psutil
import pytest

from scripts.local.cloud.stack import LocalCloud
from tests.conftest import REPO

needs_gcloud = pytest.mark.skipif(not shutil.which("gcloud"), reason="the Google Cloud CLI is not installed")
SETTINGS = {"GENOPS_PROJECT_ID": "genops-local", "GENOPS_DATA_BUCKET": "genops-stack-test"}


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    state = tmp_path_factory.mktemp("stack")
    cloud = LocalCloud(state, SETTINGS, state / "logs")
    env = cloud.start()
    try:
        yield cloud, env, state
    finally:
        cloud.stop()


def objects(cloud, bucket: str) -> set[str]:
    with urllib.request.urlopen(f"{cloud.gcs.url}/storage/v1/b/{bucket}/o", timeout=10) as response:
        return {item["name"] for item in json.load(response).get("items", [])}


def test_provision_creates_the_bucket_and_every_table_terraform_creates(cloud):
    local, _env, _state = cloud
    made = local.provision()

    assert "gs://genops-stack-test" in made
    tables = {key[2]: table for key, table in local.bigquery.tables.items() if key[:2] == ("genops-local", "genops")}
    assert set(tables) == {"model_evaluations", "customer_feedback", "video_scenes", "gemini_usage"}
    schema = json.loads((REPO / "dags" / "genops" / "schemas" / "model_evaluations.json").read_text())
    assert tables["model_evaluations"].schema == schema
    ledger = json.loads((REPO / "dags" / "genops" / "schemas" / "gemini_usage.json").read_text())
    assert tables["gemini_usage"].schema == ledger, "the usage ledger lands in the local BigQuery too"
    assert local.bigquery.datasets[("genops-local", "genops")]["location"] == "us-central1"


@needs_gcloud
def test_the_real_staging_scripts_fill_the_emulated_bucket(cloud):
    local, env, state = cloud
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GENOPS_", "CLOUDSDK_", "STORAGE_"))}
    assert local.stage({**clean, **SETTINGS, **env}, state / "staging.log") == []

    staged = objects(local, "genops-stack-test")
    assert "training/sft_train.jsonl" in staged
    inputs = {str(p.relative_to(REPO / "samples" / "inputs")) for p in (REPO / "samples" / "inputs").rglob("*")}
    expected = {f"samples/inputs/{name}" for name in inputs if not name.endswith("SOURCE") and "." in name}
    assert expected <= staged, expected - staged
    assert "samples/inputs/video/animals.mp4" in staged  # copied bucket to bucket from the public stand-in


@needs_gcloud
def test_gcloud_reaches_only_the_emulator_with_the_token_file(cloud):
    local, env, _state = cloud
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDSDK_", "STORAGE_"))}
    listed = subprocess.run(
        ["gcloud", "storage", "ls", "gs://genops-stack-test/training/"],
        env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "gs://genops-stack-test/training/sft_train.jsonl" in listed.stdout


def test_stop_ends_the_emulator_process_and_closes_every_port(tmp_path):
    local = LocalCloud(tmp_path, SETTINGS, tmp_path / "logs")
    local.start()
    pid, urls = local.gcs.process.pid, local.describe()
    local.stop()

    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    for url in urls.values():
        with pytest.raises(OSError):
            urllib.request.urlopen(url + "/storage/v1/b", timeout=2)


def test_every_stand_in_binds_to_loopback_only(cloud):
    local, _env, _state = cloud
    ports = {int(url.rsplit(":", 1)[1]) for url in local.describe().values()}
    listening = {
        c.laddr.port: c.laddr.ip
        for c in psutil.net_connections("tcp")
        if c.status == "LISTEN" and c.laddr.port in ports
    }
    assert set(listening) == ports and set(listening.values()) == {"127.0.0.1"}, listening
