""".pre-commit-config.yaml: valid, offline (local hooks only, pinned PyPI packages), and every hook can run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from tests.delivery.support import REPO, run

CONFIG_FILE = REPO / ".pre-commit-config.yaml"
CONFIG = yaml.safe_load(CONFIG_FILE.read_text())
HOOKS = [hook for repo in CONFIG["repos"] for hook in repo["hooks"]]
PRE_COMMIT = REPO / ".venv" / "bin" / "pre-commit"


def tracked_files() -> list[str]:
    """What `pre-commit run --all-files` sees; the files on disk where the source has no .git (some CI checkouts)."""
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=False)
    if listed.returncode == 0:
        return listed.stdout.split()
    skipped = (".git", ".venv", ".terraform", "__pycache__", ".pytest_cache", ".ruff_cache", ".build")
    return [
        p.relative_to(REPO).as_posix()
        for p in REPO.rglob("*")
        if p.is_file() and not any(part.startswith(skipped) for part in p.relative_to(REPO).parts)
    ]


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is installed by make setup")
def test_pre_commit_accepts_the_config():
    result = run([str(PRE_COMMIT), "validate-config", str(CONFIG_FILE)], dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_is_local_so_nothing_is_cloned():
    assert [repo["repo"] for repo in CONFIG["repos"]] == ["local"] * len(CONFIG["repos"])


def test_python_hooks_install_pinned_packages_only():
    for hook in HOOKS:
        if hook["language"] == "python":
            dependencies = hook.get("additional_dependencies", [])
            assert dependencies, f"{hook['id']}: a local python hook needs its package in additional_dependencies"
            assert all(re.fullmatch(r"[\w.\-]+==[\w.]+", d) for d in dependencies), f"{hook['id']}: {dependencies}"
        else:
            assert hook["language"] == "system", f"{hook['id']}: language {hook['language']} may need the network"


@pytest.mark.parametrize("hook", [h for h in HOOKS if h["language"] == "system"], ids=lambda h: h["id"])
def test_system_hooks_run_tools_and_files_that_exist(hook):
    words = shlex.split(hook["entry"])
    program = words[0]
    if "/" in program:
        assert (REPO / program).exists(), f"{hook['id']}: {program} is missing (make setup creates .venv)"
    elif program != "terraform":  # checked by scripts/check_terraform.sh, which says when it is missing
        assert shutil.which(program), f"{hook['id']}: {program} is not on PATH"
    for word in words[1:]:
        if re.match(r"(scripts|tests)/", word):
            assert (REPO / word).exists(), f"{hook['id']} runs {word}, which does not exist"


@pytest.mark.parametrize("hook", [h for h in HOOKS if "files" in h], ids=lambda h: h["id"])
def test_every_file_filter_matches_a_tracked_file(hook):
    pattern = re.compile(hook["files"])
    assert any(pattern.search(path) for path in tracked_files()), f"{hook['id']} would never run"


def test_the_hooks_cover_lint_format_terraform_dags_and_file_hygiene():
    entries = {h["id"]: h["entry"] for h in HOOKS}
    expected = {
        "ruff-check": "ruff check",
        "ruff-format": "ruff format",
        "terraform-fmt": "terraform fmt",
        "terraform-validate-checkov": "scripts/check_terraform.sh",
        "dag-integrity": "tests/dags/test_integrity.py",
        "contract": "tests/test_contract.py",
        "trailing-whitespace": "trailing-whitespace-fixer",
        "end-of-file-fixer": "end-of-file-fixer",
        "check-yaml": "check-yaml",
    }
    for hook_id, command in expected.items():
        assert command in entries.get(hook_id, ""), f"no {hook_id} hook running {command}"
    assert "checkov" in (REPO / "scripts" / "check_terraform.sh").read_text()
