"""Every call the deploy and the check make to the Google Cloud CLI, printed before it runs.

Endpoints, project and credentials come from gcloud's own configuration (in tests: CLOUDSDK_API_ENDPOINT_
OVERRIDES_STORAGE / _COMPOSER and CLOUDSDK_AUTH_ACCESS_TOKEN_FILE), so nothing here knows about tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

# How gcloud words "no such object" and "a generation precondition failed" (HTTP 404 / 412).
_NOT_FOUND = ("not found", "matched no objects", "404")
_PRECONDITION = ("412", "precondition")


class GcloudError(RuntimeError):
    """gcloud exited non-zero: the command, its exit status and the end of what it printed."""

    def __init__(self, args: list[str], returncode: int, output: str):
        tail = "\n".join(output.strip().splitlines()[-8:])
        super().__init__(f"`gcloud {' '.join(args)}` failed (exit {returncode}):\n{tail}")
        self.returncode = returncode
        self.output = output

    def says(self, words: tuple[str, ...]) -> bool:
        text = self.output.lower()
        return any(word in text for word in words)


def require_gcloud() -> None:
    if shutil.which("gcloud") is None:
        raise GcloudError(
            ["--version"], 127, "gcloud is not on PATH: install the Google Cloud CLI, then run 'gcloud auth login'."
        )


def run(*args: str, quiet: bool = False) -> str:
    """Run `gcloud ARGS`, return its stdout; GcloudError when it fails."""
    if not quiet:
        print("+ gcloud " + " ".join(args), flush=True)
    result = subprocess.run(["gcloud", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise GcloudError(list(args), result.returncode, result.stderr + result.stdout)
    return result.stdout


def run_streamed(*args: str) -> None:
    """Run `gcloud ARGS` with its output shown as it goes (the sync), GcloudError when it fails."""
    print("+ gcloud " + " ".join(args), flush=True)
    result = subprocess.run(["gcloud", *args], check=False)
    if result.returncode != 0:
        raise GcloudError(list(args), result.returncode, "")


def describe_object(url: str) -> dict[str, Any] | None:
    """`gcloud storage objects describe URL` as a dict (generation, creation_time, ...), None if absent."""
    try:
        return json.loads(run("storage", "objects", "describe", url, "--format=json", quiet=True))
    except GcloudError as error:
        if error.says(_NOT_FOUND):
            return None
        raise


def read_object(url: str) -> bytes | None:
    """The object's content (`gcloud storage cat`), None if absent."""
    result = subprocess.run(["gcloud", "storage", "cat", url], capture_output=True, check=False)
    if result.returncode == 0:
        return result.stdout
    error = GcloudError(["storage", "cat", url], result.returncode, result.stderr.decode(errors="replace"))
    if error.says(_NOT_FOUND):
        return None
    raise error


def write_object(url: str, content: bytes, *, if_generation_match: int | None = None) -> int | None:
    """Upload CONTENT to URL (`gcloud storage cp`): the new generation, None when the precondition failed (412)."""
    fd, path = tempfile.mkstemp(prefix="genops-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        args = ["storage", "cp", path, url, "--print-created-message"]
        if if_generation_match is not None:
            args.append(f"--if-generation-match={if_generation_match}")
        result = subprocess.run(["gcloud", *args], capture_output=True, text=True, check=False)
        print(f"+ gcloud {' '.join(args)}", flush=True)
        if result.returncode != 0:
            error = GcloudError(args, result.returncode, result.stderr + result.stdout)
            if if_generation_match is not None and error.says(_PRECONDITION):
                return None
            raise error
        # Progress dots may precede it on the same line.
        created = re.search(r"Created: (\S+)#(\d+)", result.stdout + result.stderr)
        if not created or created.group(1) != url:
            raise GcloudError(args, 0, "no 'Created: URL#GENERATION' line:\n" + result.stdout + result.stderr)
        return int(created.group(2))
    finally:
        os.unlink(path)


def delete_object(url: str, *, if_generation_match: int) -> bool:
    """Delete that generation of URL (`gcloud storage rm`); False when it is gone or was replaced."""
    try:
        run("storage", "rm", url, f"--if-generation-match={if_generation_match}")
        return True
    except GcloudError as error:
        if error.says(_PRECONDITION) or error.says(_NOT_FOUND):
            return False
        raise


def describe_environment(name: str, location: str) -> dict[str, Any]:
    """The Composer API's environments.get (`gcloud composer environments describe`)."""
    return json.loads(run("composer", "environments", "describe", name, "--location", location, "--format=json"))


def access_token() -> str:
    """The caller's OAuth access token (`gcloud auth print-access-token`), for the Airflow REST API."""
    return run("auth", "print-access-token", quiet=True).strip()
