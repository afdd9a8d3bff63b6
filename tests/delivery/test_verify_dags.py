"""Deploy and check end to end: the real gcloud, the Storage emulator, the Composer API stand-in and an Airflow
whose DAG processor really parses the bucket's dags/, for an Airflow 3.2 and an Airflow 2.11 environment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest

from tests.delivery.cloud import PROJECT, REGION
from tests.delivery.support import REPO, run

DEPLOY, VERIFY, LIST = (
    REPO / "scripts" / "deploy" / name for name in ("deploy_dags.py", "verify_dags.py", "list_dag_ids.py")
)
LOCK = "dags/.genops_deploy.lock"
BROKEN_FILE = "count_tokens.py"
# A module the build's venv has and the Composer environment lacks: the commonest broken deploy.
LOCAL_ONLY = "genops_local_only_dependency"


def list_dags(folder, tmp, pythonpath=""):
    output = tmp / f"{folder.parent.name}-dag_ids.json"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": pythonpath, "HOME": str(tmp)}
    result = subprocess.run(
        [sys.executable, str(LIST), str(folder), "-o", str(output)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return output


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """The repository's dags/ (good), the same with one file importing a package Composer lacks (broken), and
    the good tree with that file changed again (fixed); each with its DAG listing, as the build makes it."""
    root = tmp_path_factory.mktemp("trees")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".genops_*")
    good, broken, fixed = root / "good" / "dags", root / "broken" / "dags", root / "fixed" / "dags"
    for tree in (good, broken, fixed):
        shutil.copytree(REPO / "dags", tree, ignore=ignore)
    source = (good / BROKEN_FILE).read_text()
    future = "from __future__ import annotations\n"
    assert future in source
    (broken / BROKEN_FILE).write_text(source.replace(future, f"{future}import {LOCAL_ONLY}  # noqa: F401\n", 1))
    (fixed / BROKEN_FILE).write_text(f"{source}\n# fixed: the import is gone again\n")
    site = root / "site"
    site.mkdir()
    (site / f"{LOCAL_ONLY}.py").write_text("")
    return {
        "good": (good, list_dags(good, root)),
        "broken": (broken, list_dags(broken, root, pythonpath=str(site))),
        "fixed": (fixed, list_dags(fixed, root)),
    }


def deploy(cloud, tree, listing, bucket, release, started_at):
    args = ["--source", str(tree), "--dag-ids", str(listing), "--release", release, "--commit", release * 4]
    args += ["--started-at", started_at, f"gs://{bucket}/dags"]
    result = run([sys.executable, str(DEPLOY), *args], cloud.env())
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def verify(cloud, name, **env):
    return run([sys.executable, str(VERIFY), "--environment", name, "--location", REGION], cloud.env(**env))


class Watched:
    """The check running in the background, its output collected line by line as it prints."""

    def __init__(self, cloud, name, **env):
        self.process = subprocess.Popen(
            [sys.executable, str(VERIFY), "--environment", name, "--location", REGION],
            env=cloud.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self.reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: re.Pattern, timeout: float) -> None:
        """Until a line matches PATTERN; fails if the check ends or TIMEOUT passes first."""
        deadline = time.monotonic() + timeout
        while not any(pattern.search(line) for line in self.lines):
            assert time.monotonic() < deadline and self.process.poll() is None, self.output
            time.sleep(0.1)

    def result(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return code


@pytest.mark.slow
@pytest.mark.parametrize("airflow_version", ["3.2.2", "2.11.1"])
def test_deploy_redeploy_break_and_fix_on_a_real_dag_processor(cloud, trees, airflow_version):
    name = f"genops-dev-{airflow_version.replace('.', '-')}"
    airflow, bucket = cloud.environment(name, airflow_version, refresh_interval=3, maximum_page_limit=5)
    good, good_ids = trees["good"]
    expected = set(json.loads(good_ids.read_text())["dags"])
    assert len(expected) > 5  # more than one page of the API

    # 1. A first deploy: the check waits until Airflow lists every DAG at the release.
    deploy(cloud, good, good_ids, bucket, "r1", "2026-11-30T10:00:00+00:00")
    first = verify(cloud, name)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"All {len(expected)} DAGs parsed at release r1" in first.stdout
    assert {d["dag_id"] for d in airflow.dag_items(include_stale=False)} == expected
    assert all("release:r1" in {tag["name"] for tag in d["tags"]} for d in airflow.dag_items(include_stale=False))

    # 2. The same tree again: no DAG file uploaded, and the check passes at once.
    mark = cloud.storage.traffic.mark()
    deploy(cloud, good, good_ids, bucket, "r1", "2026-11-30T10:00:00+00:00")
    assert cloud.storage.traffic.since(mark) == ([LOCK], [LOCK])
    assert verify(cloud, name).returncode == 0

    # 3. A file that imports a package the environment lacks: the check fails naming the file and the error.
    broken, broken_ids = trees["broken"]
    assert json.loads(broken_ids.read_text()) == json.loads(good_ids.read_text())  # locally, it parses
    deploy(cloud, broken, broken_ids, bucket, "r2", "2026-11-30T11:00:00+00:00")
    failed = verify(cloud, name)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{BROKEN_FILE}: ModuleNotFoundError: No module named '{LOCAL_ONLY}'" in failed.stdout

    # 4. The fix, while the DAG processor has not come round yet: the check waits (the old import error and the
    #    r2 tags are still there) and passes only after the processor's next pass.
    fixed, fixed_ids = trees["fixed"]
    airflow.pause()
    deploy(cloud, fixed, fixed_ids, bucket, "r3", "2026-11-30T12:00:00+00:00")
    # The wait outlasts a slow first answer of the stand-ins (15 DAG files parsed beside other test workers).
    check = Watched(cloud, name, VERIFY_TIMEOUT_SECONDS="400")
    check.wait_for(re.compile(r"(\d+) of \1 DAG ids not yet at release r3"), timeout=240)  # every DAG id at r2
    time.sleep(2)  # several more polls: still waiting
    assert check.process.poll() is None, check.output
    resumed = datetime.now(UTC)
    airflow.resume()
    assert check.result(timeout=400) == 0, check.output
    assert re.search(r"All \d+ DAGs parsed at release r3; no import errors\.", check.output)
    assert any(parse > resumed for parse in airflow.parses)
    assert not airflow.import_error_items()


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory):
    """The shared package and one DAG file: enough for the check's failure paths, quick to parse."""
    root = tmp_path_factory.mktemp("small")
    tree = root / "dags"
    shutil.copytree(REPO / "dags" / "genops", tree / "genops", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "dags" / ".airflowignore", tree)
    shutil.copy(REPO / "dags" / "count_tokens.py", tree)
    return tree, list_dags(tree, root)


@pytest.mark.slow
def test_a_dag_id_missing_from_a_parsed_file_fails_the_check(cloud, small_tree, tmp_path):
    airflow, bucket = cloud.environment("genops-missing", "3.2.2", refresh_interval=1)
    tree, listing = small_tree
    ids = json.loads(listing.read_text())
    ids["dags"]["count_tokens_v2"] = "count_tokens.py"  # the build expected a DAG the file does not define
    (tmp_path / "ids.json").write_text(json.dumps(ids))
    deploy(cloud, tree, tmp_path / "ids.json", bucket, "r1", "2026-11-30T10:00:00+00:00")
    result = verify(cloud, "genops-missing")
    assert result.returncode == 1
    assert "count_tokens_v2: missing from count_tokens.py" in result.stdout


@pytest.mark.slow
def test_an_import_error_of_a_half_synced_folder_that_the_next_parse_clears_does_not_fail_the_check(cloud, small_tree):
    airflow, bucket = cloud.environment("genops-halfsync", "3.2.2", refresh_interval=3600)  # parses on demand
    tree, listing = small_tree
    deploy(cloud, tree, listing, bucket, "r1", "2026-11-30T10:00:00+00:00")
    # The DAG processor parses while the package module the DAG file imports has not reached its copy yet.
    airflow.process_once(not_synced=frozenset({"dags/genops/core/dag_factory.py"}))
    assert [error["filename"] for error in airflow.import_error_items()] == ["count_tokens.py"]
    check = Watched(cloud, "genops-halfsync", VERIFY_INTERVAL_SECONDS="0.2", VERIFY_TIMEOUT_SECONDS="120")
    check.wait_for(re.compile("not yet at release r1"), timeout=60)  # the check has seen the error, and waits
    airflow.process_once()  # the sync has finished: the next parse clears the error
    assert check.result(timeout=120) == 0, check.output
    assert "All 1 DAGs parsed at release r1; no import errors." in check.output


@pytest.mark.slow
def test_a_release_airflow_never_parses_fails_when_the_wait_is_over(cloud, small_tree):
    airflow, bucket = cloud.environment("genops-slow", "3.2.2", refresh_interval=3600)
    tree, listing = small_tree
    deploy(cloud, tree, listing, bucket, "r1", "2026-11-30T10:00:00+00:00")
    result = verify(cloud, "genops-slow", VERIFY_TIMEOUT_SECONDS="3")
    assert result.returncode == 1
    assert "did not report release r1 on every DAG within 3s" in result.stdout
    assert "count_tokens: not listed yet (count_tokens.py)" in result.stdout


def test_an_environment_without_a_deploy_says_so(cloud):
    cloud.environment("genops-empty", "3.2.2", refresh_interval=3600)
    result = verify(cloud, "genops-empty")
    assert result.returncode == 3 and ".genops_release.json does not exist" in result.stderr


def test_an_unknown_environment_says_what_to_check(cloud):
    result = verify(cloud, "genops-nowhere")
    assert result.returncode == 3
    assert "genops-nowhere" in result.stderr and "composer.environments.get" in result.stderr


def test_a_refused_token_says_which_access_is_missing(cloud, small_tree, tmp_path):
    airflow, bucket = cloud.environment("genops-token", "3.2.2", refresh_interval=3600)
    tree, listing = small_tree
    deploy(cloud, tree, listing, bucket, "r1", "2026-11-30T10:00:00+00:00")
    airflow.token = "another-token"  # Airflow refuses what the Composer API accepts
    result = verify(cloud, "genops-token")
    assert result.returncode == 3 and "HTTP 401" in result.stderr and "Airflow role" in result.stderr


@pytest.mark.parametrize("missing", ["--environment", "--location"])
def test_refuses_without_environment_and_region(cloud, missing):
    args = {"--environment": "genops-dev", "--location": REGION}
    del args[missing]
    result = run([sys.executable, str(VERIFY), *[x for kv in args.items() for x in kv]], cloud.env())
    assert result.returncode == 2 and "COMPOSER_ENV" in result.stderr


def test_the_composer_api_stand_in_answers_gcloud_as_composer_does(cloud):
    airflow, bucket = cloud.environment("genops-describe", "2.11.1", refresh_interval=3600)
    result = cloud.gcloud(
        "composer", "environments", "describe", "genops-describe", "--location", REGION, "--format=json"
    )
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert env["name"] == f"projects/{PROJECT}/locations/{REGION}/environments/genops-describe"
    assert env["config"]["dagGcsPrefix"] == f"gs://{bucket}/dags" and env["config"]["airflowUri"] == airflow.uri
    assert env["config"]["softwareConfig"]["imageVersion"].startswith("composer-3-airflow-2.11.1")
