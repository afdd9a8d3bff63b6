""".pre-commit-config.yaml: offline (local hooks from the project venv); `make pre-commit` passes on a fresh clone."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.delivery.support import REPO, run

CONFIG_FILE = REPO / ".pre-commit-config.yaml"
CONFIG = yaml.safe_load(CONFIG_FILE.read_text())
HOOKS = [hook for repo in CONFIG["repos"] for hook in repo["hooks"]]
PRE_COMMIT = REPO / ".venv" / "bin" / "pre-commit"
KIT = Path(os.environ.get("TERRAFORM_OFFLINE_KIT", REPO.parent / "shared" / "terraform-offline"))


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


def test_no_hook_makes_pre_commit_install_anything():
    for hook in HOOKS:
        assert hook["language"] in ("unsupported", "system"), f"{hook['id']}: language {hook['language']} installs"
        assert not hook.get("additional_dependencies"), f"{hook['id']} would install packages at first run"


def _program(hook) -> tuple[Path, list[str]]:
    words = shlex.split(hook["entry"])
    if words[:2] == ["bash", "scripts/dev/precommit_tool.sh"]:
        return REPO / ".venv" / "bin" / words[2], words[3:]
    return Path(words[0]), words[1:]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_hooks_run_tools_and_files_that_exist(hook):
    program, args = _program(hook)
    if program.parent.name == "bin" and ".venv" in program.parts:
        requirements = (REPO / "requirements" / "airflow-3.2.2.txt").read_text()
        package = {"ruff": "ruff", "python": None}.get(program.name, "pre-commit-hooks")
        assert package is None or re.search(rf"^{package}==", requirements, flags=re.M), f"{package} is not pinned"
        if PRE_COMMIT.exists():  # make setup has run
            assert program.exists(), f"{hook['id']}: {program} is missing from the project venv"
    elif str(program) == "bash":
        assert (REPO / args[0]).exists(), f"{hook['id']} runs {args[0]}, which does not exist"
    elif str(program) != "terraform":  # checked by scripts/terraform/check_terraform.sh, which says when it is missing
        assert shutil.which(str(program)), f"{hook['id']}: {program} is not on PATH"
    for word in args:
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
        "terraform-validate-checkov": "scripts/terraform/check_terraform.sh",
        "dag-integrity": "tests/dags/test_integrity.py",
        "contract": "tests/test_contract.py",
        "trailing-whitespace": "trailing-whitespace-fixer",
        "end-of-file-fixer": "end-of-file-fixer",
        "check-yaml": "check-yaml",
    }
    for hook_id, command in expected.items():
        assert command in entries.get(hook_id, ""), f"no {hook_id} hook running {command}"
    assert "checkov" in (REPO / "scripts" / "terraform" / "check_terraform.sh").read_text()


# Hooks that run a whole suite CI runs itself on the same tree: hook id -> (make target, what the hook runs).
# The fresh-clone test below runs every other hook; the test after this table proves each suite covers its hook.
SUITE_HOOKS = {
    "terraform-validate-checkov": ("test-terraform", "scripts/terraform/check_terraform.sh"),
    "dag-integrity": ("test-dags", "tests/dags/test_integrity.py"),
    "contract": ("test-platform", "tests/test_contract.py"),
}


def _recipe(target: str) -> str:
    """The command lines of a Makefile target."""
    lines = (REPO / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        body.append(line)
    return "\n".join(body)


def test_every_hook_the_fresh_clone_skips_is_run_whole_by_a_ci_suite():
    entries = {h["id"]: h["entry"] for h in HOOKS}
    ci_suites = (REPO / ".ci" / "run").read_text()
    variables = dict(re.findall(r"^(\w+) :?= (.*)$", (REPO / "Makefile").read_text(), flags=re.M))
    for hook_id, (target, command) in SUITE_HOOKS.items():
        assert command in entries[hook_id], f"{hook_id} no longer runs {command}"
        assert re.search(rf"\b{target}\b", ci_suites), f".ci/run does not run make {target}"
        recipe = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), _recipe(target))
        words = shlex.split(recipe.replace("\\\n", " "))
        ignored = {w.split("=", 1)[1] for w in words if w.startswith("--ignore=")}
        assert not any(command.startswith(i) for i in ignored), f"make {target} ignores {command}"
        if "pytest" in words:  # the test paths it names, or (none named) every test
            paths = [w for w in words[words.index("pytest") + 1 :] if re.match(r"tests(/|$)", w)] or ["tests"]
            covered = any(command == p or command.startswith(f"{p.rstrip('/')}/") for p in paths)
        else:  # the same script, with no argument that could narrow it
            covered = words[-1] == command
        assert covered, f"make {target} does not run {command}: {recipe}"


def test_make_pre_commit_refuses_without_the_offline_kit(tmp_path):
    result = run(
        ["make", "--no-print-directory", "pre-commit", f"TERRAFORM_OFFLINE_KIT={tmp_path / 'nowhere'}"],
        {k: v for k, v in os.environ.items() if k != "TERRAFORM_OFFLINE_KIT"},
    )
    assert result.returncode != 0 and "no offline Terraform kit at" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not KIT.is_dir(), reason=f"no offline Terraform kit at {KIT} (set TERRAFORM_OFFLINE_KIT)")
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_make_pre_commit_passes_on_a_fresh_clone_and_installs_nothing_itself(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    home = tmp_path / "pre-commit-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(home), TERRAFORM_OFFLINE_KIT=str(KIT), SKIP=",".join(SUITE_HOOKS))
    result = subprocess.run(
        ["make", "--no-print-directory", "pre-commit"], cwd=clone, env=env, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "Passed" in result.stdout and "Failed" not in result.stdout
    skipped = re.findall(r"^(.+?)\.{3,}Skipped$", result.stdout, flags=re.M)
    assert len(skipped) == len(SUITE_HOOKS), result.stdout  # only the hooks their suites run
    # pre-commit cloned no hook repository and built no hook environment: only its database is there.
    assert {p.name for p in home.iterdir()} <= {"db.db", ".lock", "README"}, sorted(home.iterdir())
    assert (clone / ".git" / "hooks" / "pre-commit").exists()
