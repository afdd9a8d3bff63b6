"""The Makefile's platform targets: help lists everything, Terraform per environment, DAG deployment."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys

import pytest

from tests.delivery.support import REPO, run

MAKEFILE = REPO / "Makefile"


def make(*args: str, env: dict[str, str], cwd=REPO):
    return run(["make", "--no-print-directory", "-f", str(MAKEFILE), *args], env, cwd=cwd)


def test_make_alone_lists_every_target():
    targets = set(re.findall(r"^([a-zA-Z0-9_-]+):", MAKEFILE.read_text(), flags=re.M))
    listed = run(["make", "--no-print-directory"], dict(os.environ)).stdout
    shown = set(re.findall(r"^  make (\S+)", listed, flags=re.M))
    assert targets == shown, f"targets without a `## ` description: {sorted(targets - shown)}"


def test_deploy_dags_lists_the_dag_ids_then_deploys_with_them_and_dry_run_skips_the_listing():
    assert make_n("deploy-dags", "DAGS_PREFIX=gs://bucket-x/dags")[-2:] == [
        ".venv/bin/python scripts/deploy/list_dag_ids.py dags -o .build/dag_ids.json",
        'python3 scripts/deploy/deploy_dags.py --dag-ids .build/dag_ids.json "gs://bucket-x/dags"',
    ]
    assert make_n("deploy-dags", "DAGS_PREFIX=gs://bucket-x/dags", "DRY_RUN=1") == [
        'python3 scripts/deploy/deploy_dags.py --dry-run "gs://bucket-x/dags"'
    ]


def test_deploy_dags_without_a_prefix_refuses():
    result = make("deploy-dags", "DRY_RUN=1", env=dict(os.environ, PATH=os.environ["PATH"]))
    assert result.returncode != 0 and "no target" in result.stderr


def make_n(*args: str) -> list[str]:
    result = run(["make", "--no-print-directory", "-n", *args], dict(os.environ))
    assert result.returncode == 0, result.stderr
    return [
        line
        for line in result.stdout.splitlines()
        if not line.startswith(("rm -rf", "python3 -m venv", ".venv")) or "list_dag_ids" in line
    ]


@pytest.fixture
def workdir(tmp_path):
    """A repository layout with scripts/terraform/terraform_env.sh, one complete environment (qa), a fake terraform."""
    (tmp_path / "scripts" / "terraform").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "terraform" / "terraform_env.sh", tmp_path / "scripts" / "terraform")
    for relative in ("terraform/backends/qa.gcs.tfbackend", "terraform/environments/qa.tfvars"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("# qa\n")
    (tmp_path / "terraform" / "environments" / "prod.tfvars").write_text("# prod, no backend file yet\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "terraform-calls.jsonl"
    fake = bin_dir / "terraform"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, pathlib, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "workdir = pathlib.Path(sys.argv[1].split('=', 1)[1])\n"
        "if 'init' in sys.argv:\n"
        "    (workdir / '.terraform').mkdir(exist_ok=True)\n"
        "if 'plan' in sys.argv:\n"
        "    (workdir / 'qa.tfplan').write_text('plan')\n"
    )
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("ENV", "PROJECT_ID")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return tmp_path, env, log


def calls(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("target", ["tf-init", "tf-plan", "tf-apply"])
def test_terraform_targets_refuse_without_env(workdir, target):
    root, env, log = workdir
    result = make(target, env=env, cwd=root)
    assert result.returncode != 0
    assert f"make {target} ENV=<name>" in result.stderr and "prod qa" in result.stderr
    assert calls(log) == []


@pytest.mark.parametrize(
    ("env_name", "message"),
    [
        ("prod", "terraform/backends/prod.gcs.tfbackend is missing"),
        ("staging", "terraform/backends/staging.gcs.tfbackend is missing"),
        ("../qa", "must be a lowercase name"),
    ],
)
@pytest.mark.parametrize("target", ["tf-init", "tf-plan", "tf-apply"])
def test_terraform_targets_refuse_when_the_environment_files_are_missing(workdir, target, env_name, message):
    root, env, log = workdir
    result = make(target, f"ENV={env_name}", env=env, cwd=root)
    assert result.returncode != 0 and message in result.stderr
    assert calls(log) == []


def test_missing_tfvars_is_refused_naming_the_file(workdir):
    root, env, log = workdir
    (root / "terraform" / "backends" / "staging.gcs.tfbackend").write_text("# staging\n")
    result = make("tf-init", "ENV=staging", env=env, cwd=root)
    assert result.returncode != 0 and "terraform/environments/staging.tfvars is missing" in result.stderr
    assert calls(log) == []


def test_init_plan_apply_use_the_environments_backend_tfvars_and_saved_plan(workdir):
    root, env, log = workdir
    tf = str(root / "terraform")

    refused = make("tf-plan", "ENV=qa", env=env, cwd=root)
    assert refused.returncode != 0 and "run make tf-init ENV=qa first" in refused.stderr

    assert make("tf-init", "ENV=qa", env=env, cwd=root).returncode == 0
    no_plan = make("tf-apply", "ENV=qa", env=env, cwd=root)
    assert no_plan.returncode != 0 and "run make tf-plan ENV=qa first" in no_plan.stderr
    assert make("tf-plan", "ENV=qa", "PROJECT_ID=acme-genops-qa", env=env, cwd=root).returncode == 0
    assert make("tf-apply", "ENV=qa", env=env, cwd=root).returncode == 0

    assert calls(log) == [
        [f"-chdir={tf}", "init", "-reconfigure", "-input=false", "-backend-config=backends/qa.gcs.tfbackend"],
        [
            f"-chdir={tf}",
            "plan",
            "-input=false",
            "-var-file=environments/qa.tfvars",
            "-var=project_id=acme-genops-qa",
            "-out=qa.tfplan",
        ],
        [f"-chdir={tf}", "apply", "-input=false", "qa.tfplan"],
    ]


def test_plan_refuses_an_environment_the_directory_was_not_initialised_for(workdir):
    root, env, log = workdir
    assert make("tf-init", "ENV=qa", env=env, cwd=root).returncode == 0
    (root / "terraform" / "backends" / "prod.gcs.tfbackend").write_text("# prod\n")
    result = make("tf-plan", "ENV=prod", env=env, cwd=root)
    assert result.returncode != 0 and "initialised for 'qa', not 'prod'" in result.stderr
    assert [c[1] for c in calls(log)] == ["init"]
