"""Two deploys of one environment never overlap, and the newest build's tree is the one left in the bucket."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.delivery.support import REPO

DEPLOY = REPO / "scripts" / "deploy" / "deploy_dags.py"
MARKER, LOCK = "dags/.genops_release.json", "dags/.genops_deploy.lock"
OLDER, NEWER = "2026-11-30T10:00:00+00:00", "2026-11-30T10:00:05+00:00"


def make_tree(root, version):
    """A DAG folder whose files name VERSION; each version also has a file the other lacks."""
    tree = root / version / "dags"
    (tree / "genops").mkdir(parents=True)
    (tree / "count_tokens.py").write_text(f"# {version}\n")
    (tree / "genops" / "core.py").write_text(f"# {version}\n")
    (tree / f"only_in_{version}.py").write_text(f"# {version}\n")
    listing = root / version / "dag_ids.json"
    listing.write_text(json.dumps({"dags": {"count_tokens": "count_tokens.py"}, "import_errors": {}}))
    return tree, listing


def start(cloud, tree, listing, bucket, release, started_at, **env):
    args = ["--source", str(tree), "--dag-ids", str(listing), "--release", release, "--commit", release * 8]
    return subprocess.Popen(
        [sys.executable, str(DEPLOY), *args, "--started-at", started_at, f"gs://{bucket}/dags"],
        env=cloud.env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process) -> str:
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


@pytest.fixture
def releases(cloud, tmp_path):
    """An empty bucket and, for r1 (older build) and r2 (newer build), a function starting that deploy."""
    bucket = cloud.bucket()
    trees = {release: make_tree(tmp_path, release) for release in ("r1", "r2")}

    def deploy(release, started_at=None, **env):
        tree, listing = trees[release]
        return start(cloud, tree, listing, bucket, release, started_at or (OLDER if release == "r1" else NEWER), **env)

    return bucket, deploy


def tree_of(cloud, bucket):
    return {n: c for n, c in cloud.storage.objects(bucket, "dags/").items() if n != MARKER}


@pytest.mark.slow
@pytest.mark.parametrize("first", ["older", "newer"])
def test_two_deploys_at_once_leave_the_newest_builds_tree(cloud, releases, first):
    bucket, deploy = releases
    processes = [deploy("r1"), deploy("r2")] if first == "older" else [deploy("r2"), deploy("r1")]
    outputs = [finish(p) for p in processes]

    assert tree_of(cloud, bucket) == {
        "dags/count_tokens.py": b"# r2\n",
        "dags/genops/core.py": b"# r2\n",
        "dags/only_in_r2.py": b"# r2\n",
    }
    assert json.loads(cloud.storage.objects(bucket, MARKER)[MARKER])["release"] == "r2"
    assert LOCK not in cloud.storage.objects(bucket, "dags/")
    # They took turns: one waited for the other's lock, or found the newer release already there.
    log = "\n".join(outputs)
    assert "Waiting for another deploy to finish" in log or "Not deploying r1" in log, log


@pytest.mark.slow
def test_an_older_build_finishing_last_changes_nothing(cloud, releases):
    bucket, deploy = releases
    finish(deploy("r2"))
    before = cloud.storage.objects(bucket)
    mark = cloud.storage.traffic.mark()

    output = finish(deploy("r1"))

    assert "Not deploying r1" in output and "already holds release r2" in output
    assert cloud.storage.objects(bucket) == before
    assert cloud.storage.traffic.since(mark) == ([LOCK], [LOCK])


@pytest.mark.slow
def test_a_rollback_is_a_newer_build_of_an_older_release(cloud, releases):
    bucket, deploy = releases
    finish(deploy("r1"))
    finish(deploy("r2"))
    finish(deploy("r1", "2026-11-30T11:00:00+00:00"))  # deploy r1 again, from a later build
    assert tree_of(cloud, bucket)["dags/count_tokens.py"] == b"# r1\n"
    assert "dags/only_in_r2.py" not in tree_of(cloud, bucket)
    assert json.loads(cloud.storage.objects(bucket, MARKER)[MARKER])["release"] == "r1"


@pytest.mark.slow
def test_a_held_lock_is_waited_for_then_a_stale_one_is_broken(cloud, releases):
    bucket, deploy = releases
    cloud.storage.put(bucket, LOCK, b'{"holder": "a build that is still running"}')

    waited = deploy("r1", DEPLOY_LOCK_WAIT_SECONDS="3")
    output, _ = waited.communicate(timeout=120)
    assert waited.returncode == 4, output
    assert "a build that is still running" in output and "did not finish within 3s" in output
    assert MARKER not in cloud.storage.objects(bucket, "dags/")

    time.sleep(1.5)
    output = finish(deploy("r1", DEPLOY_LOCK_STALE_SECONDS="1"))
    assert "Breaking a stale deploy lock" in output
    assert MARKER in cloud.storage.objects(bucket, "dags/") and LOCK not in cloud.storage.objects(bucket, "dags/")
