"""scripts/dev/prerequisites.sh: what a make target needs is checked first, and a missing piece names the fix."""

from __future__ import annotations

import shutil
import subprocess

from tests.delivery.support import REPO

SCRIPT = REPO / "scripts" / "dev" / "prerequisites.sh"


def check(*needs: str, path: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("bash"), str(SCRIPT), *needs],
        env={"PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def program(folder, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"#!/bin/sh\n{body}\n")
    (folder / name).chmod(0o755)


def test_python_must_be_3_11_and_the_message_names_PYTHON(tmp_path):
    program(tmp_path / "bin", "python3", "echo 3.12")
    result = check("python", path=f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert result.returncode == 2
    assert "python3 is Python 3.12" in result.stderr and "PYTHON=python3.11" in result.stderr

    missing = check("python", path="/usr/bin:/bin", PYTHON="/nonexistent/python3.11")
    assert missing.returncode == 2 and "PYTHON=" in missing.stderr


def test_a_python_3_11_passes(tmp_path):
    program(tmp_path / "bin", "python3", "echo 3.11")
    assert check("python", path=f"{tmp_path / 'bin'}:/usr/bin:/bin").returncode == 0


def test_the_test_environment_needs_linux_on_x86_64(tmp_path):
    program(tmp_path / "bin", "uname", 'case "$1" in -s) echo Darwin ;; -m) echo arm64 ;; esac')
    result = check("platform", path=f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert result.returncode == 2 and "Darwin/arm64" in result.stderr and "x86_64" in result.stderr


def test_terraform_needs_the_offline_kit_or_a_mirror(tmp_path):
    program(tmp_path / "bin", "terraform", "exit 0")
    path = f"{tmp_path / 'bin'}:/usr/bin:/bin"
    result = check("terraform", path=path, TERRAFORM_OFFLINE_KIT=str(tmp_path / "no-kit"))
    assert result.returncode == 2 and "TERRAFORM_OFFLINE_KIT" in result.stderr and "registry" in result.stderr

    config = tmp_path / "terraformrc"
    config.write_text('provider_installation {\n  filesystem_mirror {\n    path = "/mirror"\n  }\n}\n')
    with_mirror = check("terraform", path=path, TERRAFORM_OFFLINE_KIT="/none", TF_CLI_CONFIG_FILE=str(config))
    assert with_mirror.returncode == 0, with_mirror.stderr

    no_terraform = check("terraform", path="/usr/bin:/bin")
    assert no_terraform.returncode == 2 and "terraform is not on PATH" in no_terraform.stderr


def test_the_delivery_tests_need_gcloud(tmp_path):
    tools = tmp_path / "tools"  # only what the script itself uses: no gcloud
    tools.mkdir()
    (tools / "dirname").symlink_to(shutil.which("dirname"))
    result = check("gcloud", path=str(tools))
    assert result.returncode == 2 and "Google Cloud CLI" in result.stderr
