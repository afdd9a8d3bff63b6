"""scripts/terraform/check_terraform.sh never checks silently without providers: no terraform, or neither the
offline kit nor a provider mirror, is a failure that names the fix; only the build's wrapper may skip, saying why."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = Path("scripts") / "terraform" / "check_terraform.sh"


@pytest.fixture
def repo(tmp_path):
    """A checkout with the script, a formatted module and a stand-in checkov venv built from requirements/."""
    root = tmp_path / "repo"
    (root / SCRIPT).parent.mkdir(parents=True)
    shutil.copy(REPO / SCRIPT, root / SCRIPT)
    (root / "requirements").mkdir()
    shutil.copy(REPO / "requirements" / "checkov.txt", root / "requirements")
    (root / "terraform").mkdir()
    (root / "terraform" / "main.tf").write_text('locals {\n  a = "b"\n}\n')
    venv = root / ".venv-checkov"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "checkov").write_text("#!/bin/sh\necho checkov ran\n")
    (venv / "bin" / "checkov").chmod(0o755)
    digest = hashlib.sha256((root / "requirements" / "checkov.txt").read_bytes()).hexdigest()
    (venv / ".requirements.sha256").write_text(digest + "\n")
    return root


def check(root: Path, path: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": path, "HOME": os.environ.get("HOME", "/root"), "TERRAFORM_OFFLINE_KIT": "/nonexistent"}
    return subprocess.run(
        ["bash", str(root / SCRIPT)], env={**environment, **env}, capture_output=True, text=True, timeout=120
    )


def test_without_terraform_the_checks_fail_and_checkov_still_runs(repo):
    result = check(repo, "/usr/bin:/bin")
    assert result.returncode == 1, result.stdout
    assert "FAIL  terraform is not on PATH" in result.stdout
    assert "ok    checkov " in result.stdout


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_without_a_kit_or_mirror_the_checks_fail_instead_of_using_the_registry(repo):
    result = check(repo, os.environ["PATH"])
    assert result.returncode == 1, result.stdout
    assert "FAIL  no offline provider kit at /nonexistent" in result.stdout
    assert "terraform init" not in result.stdout


def test_the_builds_wrapper_may_skip_them_with_its_reason(repo):
    result = check(repo, "/usr/bin:/bin", TERRAFORM_CHECKS_SKIPPED="no provider mirror in this build")
    assert result.returncode == 0, result.stdout
    assert "SKIPPED terraform fmt, init, validate, test and plans: no provider mirror in this build" in result.stdout
