"""scripts/deploy_dags.sh with a fake gcloud: refusals, the exact rsync, what a sync uploads, deletes and keeps."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from tests.delivery.support import REPO, run

SCRIPT = REPO / "scripts" / "deploy_dags.sh"
BUCKET = "us-central1-genops-dev-1a2b3c4d-bucket"  # the shape of a Composer environment's bucket
TARGET = f"gs://{BUCKET}/dags"


def deploy(fake, *args, **env):
    return run(["bash", str(SCRIPT), *args], fake.env(**env))


def rsync_calls(fake):
    return [c for c in fake.calls() if c["argv"][:2] == ["storage", "rsync"]]


def exclude_of(call) -> re.Pattern:
    (flag,) = [a for a in call["argv"] if a.startswith("--exclude=")]
    return re.compile(flag.removeprefix("--exclude="))


DEPLOYED = {
    "count_tokens.py",
    ".airflowignore",
    "genops/core/config.py",
    "genops/schemas/model_evaluations.json",
    "genops/data/sft_train.jsonl",
    "samples/pdf_coalesce.py",
}
# What a working copy accumulates next to the DAG files, and Composer's own monitoring DAG.
NOT_DEPLOYED = {
    "__pycache__/count_tokens.cpython-311.pyc",
    "genops/__pycache__/config.cpython-311.pyc",
    "genops/stale.pyc",
    ".pytest_cache/v/cache/nodeids",
    "tests/test_local.py",
    "test_scratch.py",
    "genops/conftest.py",
    "airflow_monitoring.py",
}


@pytest.fixture
def tree(tmp_path):
    """A small dags/ folder: files to deploy and files that must stay behind."""
    root = tmp_path / "dags"
    for relative in DEPLOYED | NOT_DEPLOYED:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {relative}\n")
    return root


def test_refuses_to_run_without_a_target(fake_gcloud):
    result = deploy(fake_gcloud)
    assert result.returncode == 2
    assert "no target" in result.stderr and "DAGS_PREFIX=" in result.stderr and "dag_gcs_prefix" in result.stderr
    assert fake_gcloud.calls() == []


@pytest.mark.parametrize(
    "target",
    [
        f"gs://{BUCKET}",
        f"gs://{BUCKET}/",
        f"gs://{BUCKET}/data",
        f"gs://{BUCKET}/plugins",
        f"gs://{BUCKET}/logs",
        f"gs://{BUCKET}/data/dags",
        f"gs://{BUCKET}/dags/genops",
        f"gs://{BUCKET}/dags/../data",
        f"gs://{BUCKET}/dagsx",
        f"gs://{BUCKET}/dags//",
        f"s3://{BUCKET}/dags",
        f"{BUCKET}/dags",
        "gs://Upper-Case/dags",
        "gs://ab/dags",
        "gs://bucket name/dags",
    ],
)
def test_refuses_anything_but_the_dags_prefix_of_a_bucket(fake_gcloud, target):
    result = deploy(fake_gcloud, target)
    assert result.returncode == 2, result.stdout
    assert f"'{target}'" in result.stderr and "gs://<bucket>/dags" in result.stderr
    assert fake_gcloud.calls() == []


def test_target_may_come_from_dags_prefix_and_an_unknown_option_is_refused(fake_gcloud):
    assert deploy(fake_gcloud, DAGS_PREFIX=TARGET).returncode == 0
    assert rsync_calls(fake_gcloud)[0]["argv"][3] == TARGET
    result = deploy(fake_gcloud, "--force", TARGET)
    assert result.returncode == 2 and "--force" in result.stderr


@pytest.mark.parametrize("target", [TARGET, TARGET + "/"])
def test_runs_exactly_one_recursive_checksum_rsync_that_deletes_removed_files(fake_gcloud, target):
    result = deploy(fake_gcloud, target)
    assert result.returncode == 0, result.stderr
    (call,) = fake_gcloud.calls()
    flags = [a for a in call["argv"] if not a.startswith("--exclude=")]
    assert flags == [
        "storage",
        "rsync",
        str(REPO / "dags"),
        TARGET,  # normalised: no trailing slash, so objects land directly under dags/
        "--recursive",
        "--checksums-only",
        "--delete-unmatched-destination-objects",
    ]
    assert "--dry-run" not in call["argv"] and not call["dry_run"]


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("airflow_monitoring.py", True),
        ("__pycache__/count_tokens.cpython-311.pyc", True),
        ("genops/__pycache__/config.cpython-311.pyc", True),
        ("genops/old.pyc", True),
        (".pytest_cache/v/cache/lastfailed", True),
        ("tests/test_local.py", True),
        ("genops/tests/fixtures.json", True),
        ("test_scratch.py", True),
        ("genops/conftest.py", True),
        ("count_tokens.py", False),
        ("genops/airflow_monitoring.py", False),
        (".airflowignore", False),
        ("genops/core/config.py", False),
        ("genops/schemas/model_evaluations.json", False),
        ("samples/latest_tests_report.py", False),
        ("ab_test.py", False),
    ],
)
def test_exclude_keeps_tests_caches_and_composers_monitoring_dag_out(fake_gcloud, path, excluded):
    deploy(fake_gcloud, "--dry-run", TARGET)
    (call,) = fake_gcloud.calls()
    assert bool(exclude_of(call).match(path)) is excluded


def test_sync_uploads_the_dags_deletes_removed_files_and_never_touches_other_prefixes(fake_gcloud, tree):
    untouched = {
        f"gs://{BUCKET}/dags/airflow_monitoring.py": b"Composer's own",
        f"gs://{BUCKET}/data/training.jsonl": b"data",
        f"gs://{BUCKET}/plugins/plugin.py": b"plugin",
        f"gs://{BUCKET}/logs/dag_id=x/attempt=1.log": b"log",
        f"gs://{BUCKET}/dags-backup/old.py": b"another prefix",
    }
    for url, content in untouched.items():
        fake_gcloud.put(url, content)
    fake_gcloud.put(f"gs://{BUCKET}/dags/removed_dag.py")
    fake_gcloud.put(f"gs://{BUCKET}/dags/genops/removed_module.py")

    result = deploy(fake_gcloud, "--source", str(tree), TARGET)

    assert result.returncode == 0, result.stderr
    (call,) = rsync_calls(fake_gcloud)
    assert set(call["uploaded"]) == DEPLOYED
    assert set(call["deleted"]) == {"removed_dag.py", "genops/removed_module.py"}
    objects = fake_gcloud.objects(BUCKET)
    assert {p.removeprefix("dags/") for p in objects if p.startswith("dags/")} == DEPLOYED | {"airflow_monitoring.py"}
    for url, content in untouched.items():
        assert objects[url.removeprefix(f"gs://{BUCKET}/")] == content, url


def test_second_deploy_of_an_unchanged_tree_uploads_nothing_even_from_a_fresh_clone(fake_gcloud, tree, tmp_path):
    assert deploy(fake_gcloud, "--source", str(tree), TARGET).returncode == 0
    clone = tmp_path / "clone" / "dags"
    shutil.copytree(tree, clone)  # new files, new modification times: what every CI checkout looks like
    later = time.time() + 3600
    for path in clone.rglob("*"):
        os.utime(path, (later, later))

    assert deploy(fake_gcloud, "--source", str(clone), TARGET).returncode == 0
    second = rsync_calls(fake_gcloud)[-1]
    assert second["uploaded"] == [] and second["deleted"] == []

    (clone / "count_tokens.py").write_text("# changed\n")
    assert deploy(fake_gcloud, "--source", str(clone), TARGET).returncode == 0
    assert rsync_calls(fake_gcloud)[-1]["uploaded"] == ["count_tokens.py"]


def test_dry_run_reports_and_changes_nothing(fake_gcloud, tree):
    fake_gcloud.put(f"gs://{BUCKET}/dags/removed_dag.py", b"old")
    before = fake_gcloud.objects(BUCKET)

    result = deploy(fake_gcloud, "--dry-run", "--source", str(tree), TARGET)

    assert result.returncode == 0, result.stderr
    assert "dry run" in result.stdout
    (call,) = rsync_calls(fake_gcloud)
    assert call["argv"][-1] == "--dry-run" and call["dry_run"]
    assert set(call["uploaded"]) == DEPLOYED and call["deleted"] == ["removed_dag.py"]
    assert fake_gcloud.objects(BUCKET) == before


def test_the_repository_dags_folder_deploys_without_caches(fake_gcloud):
    result = deploy(fake_gcloud, TARGET)
    assert result.returncode == 0, result.stderr
    (call,) = rsync_calls(fake_gcloud)
    uploaded = set(call["uploaded"])
    top_level_dags = {p.name for p in (REPO / "dags").glob("*.py")}
    assert top_level_dags and top_level_dags <= uploaded
    assert "genops/core/config.py" in uploaded and ".airflowignore" in uploaded
    assert not [p for p in uploaded if "__pycache__" in p or p.endswith(".pyc")]


def test_without_gcloud_it_says_how_to_get_it(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "sed"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    result = run([shutil.which("bash"), str(SCRIPT), TARGET], {"PATH": str(bin_dir)})
    assert result.returncode == 1 and "gcloud is not on PATH" in result.stderr
