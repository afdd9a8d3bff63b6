"""cloudbuild.yaml: images pinned, local make targets, a guard that deploys only from the deploy trigger's refs
(tags only from the release branch, even from Cloud Build's shallow clone), and the deploy step itself run
against the local stand-ins."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.delivery.cloud import REGION
from tests.delivery.support import REPO, load_build, run, run_step, step

BUILD = load_build()
STEPS = BUILD["steps"]
DIGEST = re.compile(r"^[a-z0-9.\-/]+(:[\w.\-]+)?@sha256:[0-9a-f]{64}$")
RELEASE_TAG = re.compile(r"^[a-z0-9.\-/]+:\d+\.\d+\.\d+[\w.\-]*$")
# Images pinned by release tag only, until their digests are recorded. To pin one: resolve it (`crane digest
# IMAGE` or `gcloud artifacts docker images describe IMAGE`), write IMAGE@sha256:... into cloudbuild.yaml, and
# remove it from this list (docs/contributing.md#pinned-versions).
AWAITING_DIGEST = {
    "python:3.11.13-bookworm",
    "hashicorp/terraform:1.11.4",
    "gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0-slim",
}
COMMIT = "0123456789abcdef0123456789abcdef01234567"
DEV_DEPLOY = {
    "TRIGGER_NAME": "genops-dev-deploy",
    "_DEPLOY": "true",
    "_DEPLOY_REF": "^main$",
    "BRANCH_NAME": "main",
    "COMMIT_SHA": COMMIT,
}
PROD_REF = r"^v[0-9]+\.[0-9]+\.[0-9]+$"


def pinned(image: str) -> bool:
    return bool(DIGEST.match(image)) or (image in AWAITING_DIGEST and bool(RELEASE_TAG.match(image)))


def make_targets(*targets: str, **variables: str) -> list[str]:
    """The commands `make -n` would run for the targets (fails if a target does not exist)."""
    assignments = [f"{k}={v}" for k, v in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *targets, *assignments], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_build_file_parses_into_identified_steps():
    ids = [s["id"] for s in STEPS]
    assert ids and len(ids) == len(set(ids))
    for s in STEPS:
        assert set(s.get("waitFor", [])) <= {*ids, "-"}, s["id"]


@pytest.mark.parametrize("spec", STEPS, ids=lambda s: s["id"])
def test_every_image_is_pinned_by_digest_or_waits_for_one_by_release_tag(spec):
    assert pinned(spec["name"]), f"{spec['id']}: {spec['name']!r} needs @sha256:<digest>"


@pytest.mark.parametrize(
    "image",
    [
        "python:3.11.14-bookworm",  # a release tag, but not one waiting for its digest
        "python:latest",
        "gcr.io/google.com/cloudsdktool/google-cloud-cli:slim",
        "gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0-slim@sha256:1234",
        "hashicorp/terraform",
    ],
)
def test_tag_only_or_malformed_images_are_not_pinned(image):
    assert not pinned(image)


def test_a_digest_pin_is_accepted():
    assert pinned("gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0-slim@sha256:" + "a" * 64)


def test_the_deploy_runs_in_the_current_cloud_sdk_image_at_the_gcloud_version_tested_here():
    image = step(BUILD, "deploy-dags")["name"]
    assert image.startswith("gcr.io/google.com/cloudsdktool/google-cloud-cli:")
    version = re.search(r":(\d+\.\d+\.\d+)", image).group(1)
    if shutil.which("gcloud"):
        installed = run(["gcloud", "version"], {"PATH": "/usr/bin:/bin", "CLOUDSDK_CONFIG": "/tmp/gcloud-version"})
        assert f"Google Cloud SDK {version}" in installed.stdout, installed.stdout


def test_images_match_the_versions_the_repository_is_tested_with():
    pythons = {re.match(r"python:(\d+\.\d+)\.", s["name"]).group(1) for s in STEPS if s["name"].startswith("python:")}
    locked = re.findall(r"--python-version (\d+\.\d+)", (REPO / "Makefile").read_text())
    assert pythons == set(locked), f"build images run Python {pythons}; requirements are locked for {locked}"
    (terraform,) = [s["name"] for s in STEPS if s["name"].startswith("hashicorp/terraform:")]
    version = tuple(int(p) for p in re.search(r":(\d+\.\d+\.\d+)", terraform).group(1).split("."))
    minimum = re.search(r'required_version\s*=\s*">=\s*([\d.]+)"', (REPO / "terraform" / "versions.tf").read_text())
    assert version >= tuple(int(p) for p in minimum.group(1).split("."))


def test_logs_go_to_cloud_logging_only_and_every_step_has_a_timeout():
    assert BUILD["options"]["logging"] == "CLOUD_LOGGING_ONLY"  # required with a user-managed service account
    total = int(BUILD["timeout"].removesuffix("s"))
    assert 0 < total <= 2 * 3600
    for s in STEPS:
        assert 0 < int(s["timeout"].removesuffix("s")) <= total, s["id"]


def test_python_steps_run_make_targets_that_exist():
    make_steps = [s for s in STEPS if s.get("entrypoint") == "make"]
    assert make_steps and all(s["name"].startswith("python:") for s in make_steps)
    for s in make_steps:
        assert make_targets(*s["args"]), f"{s['id']}: make {s['args']} runs nothing"


def test_the_build_runs_everything_make_test_runs():
    prerequisites = re.search(r"^test:([^#\n]*)", (REPO / "Makefile").read_text(), flags=re.M).group(1).split()
    called = {target for s in STEPS if s.get("entrypoint") == "make" for target in s["args"]}
    # test-terraform is scripts/terraform/check_terraform.sh, which the terraform-checks step runs through
    # the CI wrapper.
    assert make_targets("test-terraform")[-1].endswith(" bash scripts/terraform/check_terraform.sh")
    assert (
        "scripts/terraform/check_terraform.sh"
        in (REPO / "scripts" / "terraform" / "ci_terraform_checks.sh").read_text()
    )
    assert step(BUILD, "terraform-checks")["args"] == ["scripts/terraform/ci_terraform_checks.sh"]
    assert set(prerequisites) - {"test-terraform"} <= called, f"make test runs {prerequisites}; the build {called}"


def test_the_deploy_step_runs_the_scripts_make_deploy_dags_and_verify_dags_run():
    body = step(BUILD, "deploy-dags")["args"][1]
    for target, variables in [
        ("deploy-dags", {"DAGS_PREFIX": "gs://bucket-x/dags"}),
        ("verify-dags", {"COMPOSER_ENV": "e", "COMPOSER_REGION": "r"}),
    ]:
        script = re.search(r"scripts/\S+\.py", make_targets(target, **variables)[-1]).group(0)
        assert script in body, f"make {target} runs {script}; the deploy step does not"
    assert "scripts/deploy/list_dag_ids.py" in " ".join(make_targets("dag-ids"))


def test_deploy_waits_for_the_guard_and_every_check():
    others = {s["id"] for s in STEPS} - {"deploy-dags"}
    closure = set(step(BUILD, "deploy-dags")["waitFor"])
    for s in STEPS:
        if s["id"] in closure:
            closure |= set(s.get("waitFor", []))
    assert others <= closure
    assert step(BUILD, "deploy-guard")["waitFor"] == ["-"]  # it records when the build started


# --- deploy-guard: which builds deploy ---------------------------------------------------------------------------


def guard(tmp_path, cwd=None, **given):
    out = tmp_path / "build"
    spec = {
        **step(BUILD, "deploy-guard"),
        "args": [str(REPO / "scripts" / "deploy" / "deploy_guard.py"), "--out", str(out)],
    }
    build = {**BUILD, "steps": [spec]}
    result = run_step(build, "deploy-guard", {"PATH": "/usr/bin:/bin"}, cwd=cwd or tmp_path, **given)
    release = out / "deploy-release"
    return result, release.read_text().strip() if release.exists() else None, out


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({**DEV_DEPLOY, "TRIGGER_NAME": ""}, "a manual build (no trigger) only tests"),
        ({**DEV_DEPLOY, "_DEPLOY": "false"}, "_DEPLOY='false'"),
        ({**DEV_DEPLOY, "_DEPLOY": "True"}, "_DEPLOY='True'"),
        ({**DEV_DEPLOY, "_DEPLOY_REF": ""}, "no _DEPLOY_REF"),
        ({**DEV_DEPLOY, "BRANCH_NAME": "feature/new-dag"}, "branch 'feature/new-dag' does not match"),
        ({**DEV_DEPLOY, "BRANCH_NAME": "main-backup"}, "branch 'main-backup' does not match"),
        ({**DEV_DEPLOY, "BRANCH_NAME": ""}, "branch '' does not match"),
        ({**DEV_DEPLOY, "_DEPLOY_REF": PROD_REF}, "branch 'main' does not match"),
        ({**DEV_DEPLOY, "BRANCH_NAME": "", "TAG_NAME": "v1.2"}, "tag 'v1.2' does not match"),
    ],
    ids=["manual", "deploy-false", "not-exactly-true", "no-ref", "branch", "prefix", "no-branch", "prod", "bad-tag"],
)
def test_only_the_deploy_triggers_refs_deploy(tmp_path, given, why):
    result, release, out = guard(tmp_path, **given)
    assert result.returncode == 0, result.stderr
    assert "Not deploying" in result.stdout and why in result.stdout
    assert release is None and (out / "started_at").read_text().strip()


def test_a_merge_to_main_deploys_the_commit_as_its_release(tmp_path):
    result, release, out = guard(tmp_path, **DEV_DEPLOY)
    assert result.returncode == 0 and release == COMMIT[:12], result.stdout + result.stderr
    assert "2026-" in (out / "started_at").read_text() or (out / "started_at").read_text().startswith("20")


@pytest.fixture
def origin(tmp_path):
    """A repository like the team's: main with a released commit, and a branch commit that never reached main."""
    repo = tmp_path / "origin"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "f.txt").write_text("0\n")
    subprocess.run([*git, "add", "f.txt"], check=True)
    for n in range(3):
        (repo / "f.txt").write_text(f"{n}\n")
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-am", f"main {n}"], check=True)
    subprocess.run([*git, "tag", "v1.0.0", "HEAD~1"], check=True)
    subprocess.run([*git, "checkout", "-qb", "hotfix"], check=True)
    (repo / "f.txt").write_text("hotfix\n")
    subprocess.run([*git, "commit", "-qam", "hotfix"], check=True)
    subprocess.run([*git, "tag", "v1.0.1"], check=True)
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    sha = lambda ref: subprocess.run([*git, "rev-parse", ref], capture_output=True, text=True).stdout.strip()  # noqa: E731
    return repo, {"v1.0.0": sha("v1.0.0"), "v1.0.1": sha("v1.0.1")}


def shallow_checkout(origin, tag, target):
    """What a Cloud Build trigger leaves in /workspace: the tag's commit only (a depth-1 clone)."""
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", tag, f"file://{origin}", str(target)],
        check=True,
        capture_output=True,
    )
    assert (
        subprocess.run(
            ["git", "-C", str(target), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
        ).stdout.strip()
        == "true"
    )
    return target


def prod(tag, commit):
    return {
        **DEV_DEPLOY,
        "TRIGGER_NAME": "genops-prod-deploy",
        "_DEPLOY_REF": PROD_REF,
        "BRANCH_NAME": "",
        "TAG_NAME": tag,
        "COMMIT_SHA": commit,
    }


def test_a_release_tag_of_a_main_commit_deploys_from_a_shallow_clone(tmp_path, origin):
    repo, commits = origin
    workspace = shallow_checkout(repo, "v1.0.0", tmp_path / "workspace")
    result, release, _ = guard(tmp_path, cwd=workspace, **prod("v1.0.0", commits["v1.0.0"]))
    assert result.returncode == 0 and release == "v1.0.0", result.stdout + result.stderr
    assert "is on main" in result.stdout


def test_a_release_tag_off_the_release_branch_fails_the_build(tmp_path, origin):
    repo, commits = origin
    workspace = shallow_checkout(repo, "v1.0.1", tmp_path / "workspace")
    result, release, _ = guard(tmp_path, cwd=workspace, **prod("v1.0.1", commits["v1.0.1"]))
    assert result.returncode == 1 and release is None
    assert "Refusing to deploy tag v1.0.1" in result.stderr and "is not on main" in result.stderr


def test_a_release_tag_is_checked_against_the_configured_release_branch(tmp_path, origin):
    repo, commits = origin
    workspace = shallow_checkout(repo, "v1.0.1", tmp_path / "workspace")
    result, release, _ = guard(tmp_path, cwd=workspace, _RELEASE_BRANCH="hotfix", **prod("v1.0.1", commits["v1.0.1"]))
    assert result.returncode == 0 and release == "v1.0.1", result.stdout + result.stderr


def test_without_git_history_a_tag_is_refused_not_deployed(tmp_path, origin):
    _, commits = origin
    (tmp_path / "no-git").mkdir()
    result, release, _ = guard(tmp_path, cwd=tmp_path / "no-git", **prod("v1.0.0", commits["v1.0.0"]))
    assert result.returncode == 1 and release is None and "has no .git" in result.stderr


# --- deploy-dags: the step itself, against the local stand-ins -------------------------------------------------


@pytest.fixture
def workspace(tmp_path):
    """/workspace after the earlier steps: the checkout (a small DAG tree) and .build/ from deploy-guard and dag-ids."""
    root = tmp_path / "workspace"
    shutil.copytree(REPO / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "dags" / "genops", root / "dags" / "genops", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "dags" / ".airflowignore", root / "dags")
    shutil.copy(REPO / "dags" / "count_tokens.py", root / "dags")
    subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "deploy" / "list_dag_ids.py"),
            str(root / "dags"),
            "-o",
            str(root / ".build" / "dag_ids.json"),
        ],
        # The per-file import limit is not what this fixture checks, and it runs beside other test workers.
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120"},
        check=True,
        capture_output=True,
    )
    (root / ".build" / "started_at").write_text("2026-11-30T10:00:00.000000+00:00\n")
    return root


def test_without_the_guards_approval_the_deploy_step_touches_nothing(cloud, workspace):
    airflow, bucket = cloud.environment("genops-dev", "3.2.2", refresh_interval=3600)
    mark = cloud.storage.traffic.mark()
    given = {
        **DEV_DEPLOY,
        "_DAGS_PREFIX": f"gs://{bucket}/dags",
        "_COMPOSER_ENV": "genops-dev",
        "_COMPOSER_REGION": REGION,
    }
    result = run_step(BUILD, "deploy-dags", cloud.env(), cwd=workspace, **given)
    assert result.returncode == 0 and "Not deploying" in result.stdout, result.stderr
    assert cloud.storage.traffic.since(mark) == ([], []) and cloud.storage.objects(bucket) == {}


@pytest.mark.slow
def test_the_deploy_step_deploys_then_waits_for_airflow_to_parse_the_release(cloud, workspace):
    airflow, bucket = cloud.environment("genops-dev", "3.2.2", refresh_interval=1)
    (workspace / ".build" / "deploy-release").write_text(COMMIT[:12] + "\n")
    given = {
        **DEV_DEPLOY,
        "_ENVIRONMENT": "dev",
        "_DAGS_PREFIX": f"gs://{bucket}/dags",
        "_COMPOSER_ENV": "genops-dev",
        "_COMPOSER_REGION": REGION,
        "BUILD_ID": "build-1",
    }
    result = run_step(BUILD, "deploy-dags", cloud.env(), cwd=workspace, **given)
    assert result.returncode == 0, result.stdout + result.stderr
    marker = json.loads(cloud.storage.objects(bucket)["dags/.genops_release.json"])
    assert (marker["release"], marker["commit"], marker["environment"], marker["build_id"]) == (
        COMMIT[:12],
        COMMIT,
        "dev",
        "build-1",
    )
    assert marker["started_at"].startswith("2026-11-30T10:00:00")
    assert f"All 1 DAGs parsed at release {COMMIT[:12]}" in result.stdout
