"""scripts/deploy/deploy_dags.py with the real gcloud against the Storage emulator: refusals, what a sync uploads,
deletes and keeps, the release marker, and an unchanged tree uploading nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

import pytest

from tests.delivery.support import REPO, run

sys.path.insert(0, str(REPO / "scripts" / "deploy"))
from delivery import release  # noqa: E402  (scripts/ is not a package)

SCRIPT = REPO / "scripts" / "deploy" / "deploy_dags.py"
MARKER, LOCK = f"dags/{release.MARKER}", f"dags/{release.LOCK}"

DEPLOYED = {
    "count_tokens.py",
    ".airflowignore",
    "genops/core/config.py",
    "genops/schemas/model_evaluations.json",
    "genops/data/sft_train.jsonl",
    "samples/pdf_coalesce.py",
}
# What a working copy accumulates next to the DAG files, Composer's own monitoring DAG, and the deploy's own
# objects (a stray local copy must never replace the bucket's).
NOT_DEPLOYED = {
    "__pycache__/count_tokens.cpython-311.pyc",
    "genops/__pycache__/config.cpython-311.pyc",
    "genops/stale.pyc",
    ".pytest_cache/v/cache/nodeids",
    "tests/test_local.py",
    "test_scratch.py",
    "genops/conftest.py",
    "airflow_monitoring.py",
    release.MARKER,
    release.LOCK,
}
# Objects of the environment's bucket a deploy must leave exactly as they are.
OTHERS = {
    "data/keep.csv": b"data",
    "plugins/plugin.py": b"plugin",
    "logs/dag_id=x/attempt=1.log": b"log",
    "dags-backup/old.py": b"backup",
    "dags/airflow_monitoring.py": b"composer's",
}


def deploy(cloud, *args, **env):
    return run([sys.executable, str(SCRIPT), *args], cloud.env(**env))


def listing(tmp_path, dags=None, errors=None):
    path = tmp_path / "dag_ids.json"
    path.write_text(json.dumps({"dags": dags or {"count_tokens": "count_tokens.py"}, "import_errors": errors or {}}))
    return path


def release_args(name="v1.0.0", commit="a" * 40, started_at="2026-11-30T10:00:00+00:00"):
    return ["--release", name, "--commit", commit, "--started-at", started_at]


@pytest.fixture
def tree(tmp_path):
    """A small dags/ folder: files to deploy and files that must stay behind."""
    root = tmp_path / "dags"
    for relative in DEPLOYED | NOT_DEPLOYED:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {relative}\n")
    return root


def test_refuses_to_run_without_a_target(cloud, tmp_path):
    result = deploy(cloud, "--dag-ids", str(listing(tmp_path)))
    assert result.returncode == 2
    assert "no target" in result.stderr and "DAGS_PREFIX=" in result.stderr and "dag_gcs_prefix" in result.stderr


@pytest.mark.parametrize(
    "suffix", ["", "/", "/data", "/plugins", "/logs", "/data/dags", "/dags/genops", "/dags/..", "/dagsx"]
)
def test_refuses_anything_but_the_dags_prefix_of_a_bucket(cloud, tmp_path, suffix):
    bucket = cloud.bucket()
    result = deploy(cloud, "--dag-ids", str(listing(tmp_path)), *release_args(), f"gs://{bucket}{suffix}")
    assert result.returncode == 2 and "gs://<bucket>/dags" in result.stderr
    assert cloud.storage.objects(bucket) == {}


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        (None, "no --dag-ids"),
        ({"dags": {}, "import_errors": {}}, "lists no DAGs"),
        (
            {"dags": {"a": "a.py"}, "import_errors": {"broken.py": "SyntaxError: invalid syntax"}},
            "broken.py: SyntaxError: invalid syntax",
        ),
        ({"dag_ids": ["a"]}, "not scripts/deploy/list_dag_ids.py output"),
    ],
    ids=["missing", "empty", "import-errors", "not-a-listing"],
)
def test_refuses_a_tree_without_a_clean_dag_listing_before_touching_the_bucket(cloud, tmp_path, listed, message):
    bucket = cloud.bucket()
    args = []
    if listed is not None:
        (tmp_path / "ids.json").write_text(json.dumps(listed))
        args = ["--dag-ids", str(tmp_path / "ids.json")]
    result = deploy(cloud, *args, *release_args(), f"gs://{bucket}/dags")
    assert result.returncode == 2 and message in result.stderr
    assert cloud.storage.objects(bucket) == {}


def test_refuses_a_release_name_airflow_cannot_tag(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path))]
    result = deploy(cloud, *args, *release_args(name="v1 final"), f"gs://{bucket}/dags")
    assert result.returncode == 2 and "release 'v1 final'" in result.stderr
    assert cloud.storage.objects(bucket) == {}


def test_syncs_the_tree_writes_the_marker_and_touches_nothing_else(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    for name, content in OTHERS.items():
        cloud.storage.put(bucket, name, content)
    cloud.storage.put(bucket, "dags/removed_dag.py", b"# deleted from the repository since the last deploy")
    cloud.storage.put(bucket, "dags/genops/removed.py", b"# also gone")
    dags = {"count_tokens": "count_tokens.py", "pdf_coalesce": "samples/pdf_coalesce.py"}
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path, dags)), "--environment", "dev"]
    args += ["--build-id", "b-1", *release_args()]

    result = deploy(cloud, *args, f"gs://{bucket}/dags/")

    assert result.returncode == 0, result.stdout + result.stderr
    objects = cloud.storage.objects(bucket)
    assert {n for n in objects if n.startswith("dags/")} == {f"dags/{p}" for p in DEPLOYED} | {
        "dags/airflow_monitoring.py",
        MARKER,
    }
    for name, content in OTHERS.items():
        assert objects[name] == content, f"{name} was changed"
    for relative in DEPLOYED:
        assert objects[f"dags/{relative}"] == (tree / relative).read_bytes()
    marker = json.loads(objects[MARKER])
    assert marker["release"] == "v1.0.0" and marker["commit"] == "a" * 40 and marker["dags"] == dags
    assert marker["environment"] == "dev" and marker["build_id"] == "b-1" and marker["deployed_at"]
    assert LOCK not in objects  # taken and released
    uploads, deletions = cloud.storage.traffic.since((0, 0))
    assert set(deletions) >= {"dags/removed_dag.py", "dags/genops/removed.py", LOCK}
    assert_only_dags_calls(cloud, bucket)


def assert_only_dags_calls(cloud, bucket):
    """Every Storage JSON API call the deploy made: objects get/insert/delete under dags/ (what the build
    account's IAM condition allows; gcloud's probe of the target as an object is `dags/`, not `dags`, which
    the condition would refuse and abort the sync) and objects.list with prefix `dags` or `dags/`; no bucket call."""
    calls = [r for r in cloud.storage.traffic.requests if f"/b/{bucket}/" in r]
    assert calls
    for call in calls:
        method, _, target = call.partition(" ")
        url = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(url.query)
        if re.fullmatch(rf"/(upload/)?storage/v1/b/{bucket}/o", url.path):
            if method == "GET":  # objects.list: a bucket-level permission; rsync lists prefix `dags` and `dags/`
                assert query["prefix"][0] in ("dags", "dags/") or query["prefix"][0].startswith("dags/"), call
            else:  # objects.insert (a multipart upload names the object in its body)
                assert method == "POST" and query.get("name", ["dags/"])[0].startswith("dags/"), call
        else:
            name = urllib.parse.unquote(url.path.split("/o/", 1)[1])
            assert method in ("GET", "DELETE") and name.startswith("dags/"), call


def test_a_second_deploy_of_an_unchanged_tree_uploads_no_dag_file_even_from_a_fresh_copy(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    args = ["--dag-ids", str(listing(tmp_path)), *release_args()]
    assert deploy(cloud, "--source", str(tree), *args, f"gs://{bucket}/dags").returncode == 0
    fresh = tmp_path / "clone" / "dags"
    shutil.copytree(tree, fresh)  # new inodes and mtimes, as a fresh clone in a new build has
    os.utime(fresh / "count_tokens.py", (1, 1))
    before = cloud.storage.objects(bucket)
    mark = cloud.storage.traffic.mark()

    result = deploy(cloud, "--source", str(fresh), *args, f"gs://{bucket}/dags")

    assert result.returncode == 0, result.stderr
    uploads, deletions = cloud.storage.traffic.since(mark)
    assert uploads == [LOCK] and deletions == [LOCK], (uploads, deletions)  # the lock only: 0 DAG files, same marker
    assert cloud.storage.objects(bucket) == before
    assert "already names release v1.0.0" in result.stdout


def test_a_changed_file_is_the_only_upload(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path))]
    assert deploy(cloud, *args, *release_args(), f"gs://{bucket}/dags").returncode == 0
    (tree / "genops" / "core" / "config.py").write_text("# changed\n")
    mark = cloud.storage.traffic.mark()
    result = deploy(cloud, *args, *release_args(name="v1.0.1", commit="b" * 40), f"gs://{bucket}/dags")
    assert result.returncode == 0, result.stderr
    uploads, _ = cloud.storage.traffic.since(mark)
    assert sorted(uploads) == sorted([LOCK, "dags/genops/core/config.py", MARKER])


def test_dry_run_reports_and_changes_nothing(cloud, tree):
    bucket = cloud.bucket()
    cloud.storage.put(bucket, "dags/removed_dag.py", b"# gone")
    mark = cloud.storage.traffic.mark()
    result = deploy(cloud, "--dry-run", "--source", str(tree), f"gs://{bucket}/dags")
    assert result.returncode == 0, result.stderr
    assert "count_tokens.py" in result.stdout + result.stderr and "removed_dag.py" in result.stdout + result.stderr
    assert cloud.storage.traffic.since(mark) == ([], [])
    assert set(cloud.storage.objects(bucket)) == {"dags/removed_dag.py"}


def test_the_target_may_come_from_dags_prefix(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path)), *release_args()]
    result = deploy(cloud, *args, DAGS_PREFIX=f"gs://{bucket}/dags")
    assert result.returncode == 0, result.stderr
    assert MARKER in cloud.storage.objects(bucket)


def test_the_release_defaults_to_the_checkouts_commit_and_tag(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(tree)]
    subprocess.run([*git[:-2], "init", "-q", str(tree)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "dags"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path)), f"gs://{bucket}/dags"]

    assert deploy(cloud, *args).returncode == 0
    marker = json.loads(cloud.storage.objects(bucket)[MARKER])
    assert (marker["release"], marker["commit"]) == (commit[:12], commit)

    subprocess.run([*git, "tag", "v2.0.0"], check=True)
    assert deploy(cloud, *args).returncode == 0
    assert json.loads(cloud.storage.objects(bucket)[MARKER])["release"] == "v2.0.0"

    (tree / "count_tokens.py").write_text("# edited, not committed\n")
    assert deploy(cloud, *args).returncode == 0
    assert json.loads(cloud.storage.objects(bucket)[MARKER])["release"].startswith("v2.0.0-dirty-")


def test_without_gcloud_it_says_how_to_get_it(cloud, tmp_path, tree):
    bucket = cloud.bucket()
    env = cloud.env(PATH=os.path.dirname(sys.executable))
    args = ["--source", str(tree), "--dag-ids", str(listing(tmp_path)), *release_args(), f"gs://{bucket}/dags"]
    result = run([sys.executable, str(SCRIPT), *args], env)
    assert result.returncode == 1 and "gcloud is not on PATH" in result.stderr


def test_an_exclusion_starting_with_a_caret_is_what_crashed_gcloud_and_is_refused(cloud, tree):
    """gcloud reads a list flag value starting with ^ as ^SEP^: the old `--exclude=^...[^/]...` died."""
    bucket = cloud.bucket()
    old = "--exclude=^airflow_monitoring\\.py$|(.*/)?(test_[^/]*|conftest)\\.py$"
    # dags/ with its slash, as the deploy names it: the deploy account may read objects under dags/ only, and
    # gcloud looks up an object named `dags` for a target without one.
    crashed = cloud.gcloud("storage", "rsync", str(tree), f"gs://{bucket}/dags/", "--recursive", "--dry-run", old)
    assert crashed.returncode == 1 and "unbalanced parenthesis" in crashed.stderr, crashed.stderr
    assert release.exclude_argument().startswith("--exclude=") and release.exclude_argument()[10] != "^"
    original = release.EXCLUDES
    try:
        release.EXCLUDES = ("^airflow_monitoring\\.py$",)
        with pytest.raises(ValueError, match="no leading"):
            release.exclude_argument()
        release.EXCLUDES = ("a{1,2}",)
        with pytest.raises(ValueError, match="no commas"):
            release.exclude_argument()
    finally:
        release.EXCLUDES = original


@pytest.mark.parametrize("path", sorted(DEPLOYED))
def test_deployed_paths_are_not_excluded(path):
    assert not release.excluded(path)


@pytest.mark.parametrize("path", sorted(NOT_DEPLOYED))
def test_caches_tests_and_the_deploys_own_objects_are_excluded(path):
    assert release.excluded(path)


def test_the_second_deploy_needs_storage_objects_update_and_fails_naming_it_without(cloud, iam_front, tmp_path, tree):
    """A fresh clone's redeploy patches every unchanged DAG file (objects.patch): on a copy of terraform/ whose
    deploy role lacks storage.objects.update, the enforcing front answers 403 as Cloud Storage does and the
    deploy fails naming the permission."""
    from scripts.iam import applied
    from tests.terraform.iam_proof import copy_terraform, require_terraform

    require_terraform()
    copy = copy_terraform(tmp_path)
    iam_tf = copy / "iam.tf"
    text = iam_tf.read_text()
    assert ', "storage.objects.update"]' in text
    iam_tf.write_text(text.replace(', "storage.objects.update"]', "]"))
    without_update = iam_front.policy.for_run(applied.applied(copy)["defaults"])

    bucket = cloud.bucket()
    args = ["--dag-ids", str(listing(tmp_path)), *release_args()]
    assert deploy(cloud, "--source", str(tree), *args, f"gs://{bucket}/dags").returncode == 0
    fresh = tmp_path / "clone" / "dags"
    shutil.copytree(tree, fresh)
    for path in fresh.rglob("*"):
        os.utime(path)  # a fresh checkout's mtimes: gcloud patches each unchanged file's metadata
    enforced, iam_front.policy = iam_front.policy, without_update
    try:
        result = deploy(cloud, "--source", str(fresh), *args, f"gs://{bucket}/dags")
    finally:
        iam_front.policy = enforced

    assert result.returncode != 0
    assert "PERMISSION_DENIED" in result.stderr and "storage.objects.update" in result.stderr, result.stderr
