"""cloudbuild.yaml: pinned images, local make targets, and a deploy that only main's deploy trigger can reach."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.delivery.support import REPO, load_build, run_step, step

BUILD = load_build()
STEPS = BUILD["steps"]
BUCKET = "us-central1-genops-dev-1a2b3c4d-bucket"
MAIN_DEPLOY = {
    "_DEPLOY": "true",
    "BRANCH_NAME": "main",
    "_DAGS_PREFIX": f"gs://{BUCKET}/dags",
    "_COMPOSER_ENV": "genops-dev",
    "_COMPOSER_REGION": "us-central1",
    "_VERIFY_WAIT_SECONDS": "0",
}
# A tag that names a release (1.11.4, 3.11.13-bookworm, 528.0.0-slim), or a digest.
_PINNED = re.compile(r"^[a-z0-9.\-/]+(:\d+\.\d+\.\d+[\w.\-]*)?(@sha256:[0-9a-f]{64})?$")


def is_pinned(image: str) -> bool:
    match = _PINNED.match(image)
    return bool(match and (match.group(1) or match.group(2)))


def make_targets(*targets: str, **variables: str) -> list[str]:
    """The commands `make -n` would run for the targets (fails if a target does not exist)."""
    assignments = [f"{k}={v}" for k, v in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *targets, *assignments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_the_build_file_parses_into_identified_steps():
    assert isinstance(STEPS, list) and STEPS
    ids = [s["id"] for s in STEPS]
    assert len(ids) == len(set(ids))
    for s in STEPS:
        assert set(s.get("waitFor", [])) <= {*ids, "-"}, s["id"]


@pytest.mark.parametrize("spec", STEPS, ids=lambda s: s["id"])
def test_every_step_image_is_pinned_to_a_release_or_digest(spec):
    assert is_pinned(spec["name"]), f"{spec['id']}: image {spec['name']!r} is not pinned to X.Y.Z or a digest"


@pytest.mark.parametrize(
    "image",
    [
        "python",
        "python:latest",
        "python:3.11",
        "python:3-bookworm",
        "hashicorp/terraform",
        "cloud-sdk:slim",
        "x:stable",
    ],
)
def test_floating_images_are_not_pinned(image):
    assert not is_pinned(image)


def test_images_match_the_versions_the_repository_is_tested_with():
    pythons = {re.match(r"python:(\d+\.\d+)\.", s["name"]).group(1) for s in STEPS if s["name"].startswith("python:")}
    locked = re.findall(r"--python-version (\d+\.\d+)", (REPO / "Makefile").read_text())
    assert pythons == set(locked), f"build images run Python {pythons}; requirements are locked for {locked}"
    (terraform,) = [s["name"] for s in STEPS if s["name"].startswith("hashicorp/terraform:")]
    version = tuple(int(p) for p in terraform.split(":")[1].split("."))
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
    assert set(prerequisites) <= called, f"make test runs {prerequisites}; the build runs {sorted(called)}"


def test_the_deploy_step_runs_the_scripts_make_deploy_dags_and_verify_dags_run():
    body = step(BUILD, "deploy-dags")["args"][1]
    for target, variables in [
        ("deploy-dags", {"DAGS_PREFIX": "gs://bucket-x/dags"}),
        ("verify-dags", {"COMPOSER_ENV": "e", "COMPOSER_REGION": "r"}),
    ]:
        (command,) = make_targets(target, **variables)
        script = re.search(r"scripts/\S+", command).group(0)
        assert script in body, f"make {target} runs {script}; the deploy step does not"


def test_deploy_waits_for_every_check():
    others = {s["id"] for s in STEPS} - {"deploy-dags"}
    needed = set(step(BUILD, "deploy-dags")["waitFor"])
    # Waiting for the last checks is enough when they, in turn, wait for the rest.
    closure = set(needed)
    for s in STEPS:
        if s["id"] in needed:
            closure |= set(s.get("waitFor", []))
    assert others <= closure


@pytest.mark.parametrize(
    "given",
    [
        {},  # a manual `gcloud builds submit`: the file's defaults
        {**MAIN_DEPLOY, "_DEPLOY": "false"},  # the pull request trigger, even for a PR from a branch named main
        {**MAIN_DEPLOY, "BRANCH_NAME": "feature/new-dag"},
        {**MAIN_DEPLOY, "BRANCH_NAME": ""},
        {**MAIN_DEPLOY, "_DEPLOY": "True"},
    ],
    ids=["manual", "deploy-false", "other-branch", "no-branch", "not-exactly-true"],
)
def test_the_deploy_step_does_nothing_outside_the_main_deploy_trigger(fake_gcloud, given):
    result = run_step(BUILD, "deploy-dags", fake_gcloud.env(), **given)
    assert result.returncode == 0, result.stderr
    assert "Not deploying" in result.stdout
    assert fake_gcloud.calls() == []


def test_on_main_the_deploy_step_syncs_the_dags_then_checks_import_errors(fake_gcloud):
    fake_gcloud.put(f"gs://{BUCKET}/dags/airflow_monitoring.py")
    fake_gcloud.put(f"gs://{BUCKET}/data/keep.csv")

    result = run_step(BUILD, "deploy-dags", fake_gcloud.env(), **MAIN_DEPLOY)

    assert result.returncode == 0, result.stdout + result.stderr
    sync, check = fake_gcloud.calls()
    assert sync["argv"][:4] == ["storage", "rsync", str(REPO / "dags"), f"gs://{BUCKET}/dags"]
    assert check["argv"][:6] == ["composer", "environments", "run", "genops-dev", "--location", "us-central1"]
    assert {"dags/airflow_monitoring.py", "data/keep.csv", "dags/count_tokens.py"} <= set(fake_gcloud.objects(BUCKET))


def test_on_main_import_errors_fail_the_build(fake_gcloud):
    errors = json.dumps([[{"filepath": "/home/airflow/gcs/dags/broken.py", "error": "SyntaxError: invalid syntax"}]])
    env = fake_gcloud.env(FAKE_IMPORT_ERRORS=errors, VERIFY_ATTEMPTS="1")
    result = run_step(BUILD, "deploy-dags", env, **MAIN_DEPLOY)
    assert result.returncode != 0
    assert "broken.py: SyntaxError: invalid syntax" in result.stdout


def test_on_main_a_bad_prefix_fails_before_anything_is_uploaded(fake_gcloud):
    result = run_step(BUILD, "deploy-dags", fake_gcloud.env(), **{**MAIN_DEPLOY, "_DAGS_PREFIX": f"gs://{BUCKET}"})
    assert result.returncode == 2 and "gs://<bucket>/dags" in result.stderr
    assert fake_gcloud.calls() == []
