#!/usr/bin/env python3
"""Decide, at the start of a build, whether it deploys: the first step of cloudbuild.yaml.

    DEPLOY=... DEPLOY_REF=... RELEASE_BRANCH=... TRIGGER_NAME=... BRANCH_NAME=... TAG_NAME=... COMMIT_SHA=... \\
        scripts/deploy/deploy_guard.py [--out .build]

A build deploys only when a trigger started it (manual `gcloud builds submit` builds only test), with
_DEPLOY=true, and its branch (BRANCH_NAME) or tag (TAG_NAME) matches _DEPLOY_REF, the RE2 pattern the deploy
trigger fires on (dev: ^main$; prod: release tags ^v[0-9]+\\.[0-9]+\\.[0-9]+$). A tag deploys only if its commit
is on _RELEASE_BRANCH (the commit already went through main, hence through dev): Cloud Build checks a
trigger's commit out as a shallow clone, so the branch is fetched from the checkout's origin first, and
when that history cannot be had the build fails rather than deploy an unproven commit.

Writes OUT/started_at (this build's start: a deploy never replaces a later build's release) and, when the
build deploys, OUT/deploy-release (the tag, or the commit's first 12 characters). Exit 0 deploy or not,
1 a matching tag whose commit is not on the release branch (or cannot be shown to be), 2 bad settings.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from delivery.release import RELEASE_NAME


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def on_release_branch(commit: str, branch: str) -> tuple[bool, str]:
    """Whether COMMIT is reachable from BRANCH at the checkout's origin, fetching what a shallow clone lacks."""
    if git("rev-parse", "--git-dir").returncode != 0:
        return False, "the build's source has no .git: the trigger's checkout must keep git metadata"
    fetch = ["fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}"]
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        fetch.insert(1, "--unshallow")
    fetched = git(*fetch)
    if fetched.returncode != 0:
        return False, f"could not fetch {branch!r} from origin: {fetched.stderr.strip()[-300:]}"
    ancestor = git("merge-base", "--is-ancestor", commit, f"refs/remotes/origin/{branch}")
    if ancestor.returncode == 0:
        return True, f"commit {commit[:12]} is on {branch}"
    return False, f"commit {commit[:12]} is not on {branch}: tag a commit of {branch} that passed dev"


def decide(env: dict[str, str]) -> tuple[str | None, str, int]:
    """(release or None, why, exit status)."""
    deploy, pattern = env.get("DEPLOY", ""), env.get("DEPLOY_REF", "")
    branch, tag, commit = env.get("BRANCH_NAME", ""), env.get("TAG_NAME", ""), env.get("COMMIT_SHA", "")
    if not env.get("TRIGGER_NAME"):
        return None, "Not deploying: a manual build (no trigger) only tests.", 0
    if deploy != "true":
        return None, f"Not deploying: _DEPLOY={deploy!r} (only the deploy trigger sets true); this build tests.", 0
    if not pattern:
        return None, "Not deploying: no _DEPLOY_REF (the deploy trigger passes the ref pattern it fires on).", 0
    try:
        matcher = re.compile(pattern)
    except re.error as error:
        return None, f"_DEPLOY_REF {pattern!r} is not a valid pattern: {error}", 2
    ref, kind = (tag, "tag") if tag else (branch, "branch")
    if not ref or not matcher.search(ref):
        return None, f"Not deploying: {kind} {ref!r} does not match _DEPLOY_REF {pattern!r}.", 0
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        return None, f"COMMIT_SHA {commit!r} is not a full commit id", 2
    if tag:
        release_branch = env.get("RELEASE_BRANCH") or "main"
        ok, why = on_release_branch(commit, release_branch)
        if not ok:
            return None, f"Refusing to deploy tag {tag}: {why}.", 1
        print(f"Tag {tag}: {why}.", flush=True)
    release = tag or commit[:12]
    if not RELEASE_NAME.match(release):
        return None, f"{kind} {release!r} cannot name a release (letters, digits, '.', '_', '+', '-'; up to 80)", 2
    return release, f"Deploying {kind} {ref} as release {release}.", 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(".build"), help="where to write the decision")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "started_at").write_text(datetime.now(UTC).isoformat(timespec="microseconds") + "\n")
    (args.out / "deploy-release").unlink(missing_ok=True)
    release, why, status = decide(dict(os.environ))
    print(why, file=sys.stderr if status else sys.stdout, flush=True)
    if release:
        (args.out / "deploy-release").write_text(release + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
