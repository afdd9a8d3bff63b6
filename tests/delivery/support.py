"""Helpers for the delivery and contract tests: the build file, Cloud Build's substitution rules, running steps."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CLOUDBUILD = REPO / "cloudbuild.yaml"

# Cloud Build's own substitutions (https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values);
# the underscore ones exist for pull request builds only.
BUILTIN_SUBSTITUTIONS = frozenset(
    {
        "PROJECT_ID",
        "PROJECT_NUMBER",
        "BUILD_ID",
        "LOCATION",
        "TRIGGER_NAME",
        "TRIGGER_BUILD_CONFIG_PATH",
        "COMMIT_SHA",
        "SHORT_SHA",
        "REVISION_ID",
        "REPO_NAME",
        "REPO_FULL_NAME",
        "BRANCH_NAME",
        "TAG_NAME",
        "REF_NAME",
        "SERVICE_ACCOUNT",
        "SERVICE_ACCOUNT_EMAIL",
        "_HEAD_BRANCH",
        "_BASE_BRANCH",
        "_HEAD_REPO_URL",
        "_PR_NUMBER",
    }
)
# `$NAME` or `${NAME}`; `$$` is a literal dollar sign (a shell variable in a step script).
_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def load_build(path: Path = CLOUDBUILD) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def step(build: dict[str, Any], step_id: str) -> dict[str, Any]:
    (found,) = [s for s in build["steps"] if s.get("id") == step_id]
    return found


def substitutions_used(build: Any) -> set[str]:
    """Every substitution a parsed build refers to (user-defined and built-in) outside `substitutions:`."""
    if isinstance(build, dict):
        return {n for k, v in build.items() if k != "substitutions" for n in substitutions_used(v)}
    if isinstance(build, list):
        return {n for v in build for n in substitutions_used(v)}
    if isinstance(build, str):
        return {m.group(1) or m.group(2) for m in _REFERENCE.finditer(build) if m.group(0) != "$$"}
    return set()


def substitute(text: str, values: dict[str, str]) -> str:
    """Cloud Build's substitution: `$NAME`/`${NAME}` become their value (missing: empty), `$$` becomes `$`."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        return values.get(match.group(1) or match.group(2), "")

    return _REFERENCE.sub(replace, text)


def run(command: list[str], env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def run_step(
    build: dict[str, Any], step_id: str, env: dict[str, str], cwd: Path = REPO, **given: str
) -> subprocess.CompletedProcess[str]:
    """Run a step's entrypoint and args as Cloud Build would: substitutions (the file's defaults, then `given`,
    which also sets built-ins such as BRANCH_NAME) applied to its env and args, from CWD (the /workspace)."""
    spec = step(build, step_id)
    values = {**{k: str(v) for k, v in build.get("substitutions", {}).items()}, **given}
    step_env = dict(env)
    for entry in spec.get("env", []):
        name, _, value = substitute(entry, values).partition("=")
        if name != "PATH":  # the image's PATH; here the machine's
            step_env[name] = value
    return run([spec["entrypoint"], *(substitute(str(a), values) for a in spec["args"])], step_env, cwd=cwd)
