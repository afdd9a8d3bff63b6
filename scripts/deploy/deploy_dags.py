#!/usr/bin/env python3
"""Deploy a DAG folder to a Composer environment: the command the deploy build and `make deploy-dags` run.

    scripts/deploy/deploy_dags.py --dag-ids FILE [--dry-run] [--source DIR] [--release NAME --commit SHA]
                           [--started-at TIME] [--environment NAME] [--build-id ID] gs://<bucket>/dags

1. Refuses bad input before touching the bucket: the target must be exactly gs://<bucket>/dags (never
   data/, plugins/, logs/); FILE (scripts/deploy/list_dag_ids.py's output for the same folder) must list DAGs
   and no import errors.
2. Takes the deploy lock dags/.genops_deploy.lock (generation preconditions; waits for a running deploy).
3. Reads the release marker dags/.genops_release.json: when it comes from a build that started later than
   this one (--started-at), a newer release is already there and nothing changes (exit 0).
4. `gcloud storage rsync`: recursive, checksums only (an unchanged tree uploads nothing, whatever the
   files' mtimes), deleting objects whose files are gone, only under dags/. Excluded on both sides, so
   never uploaded nor deleted: the marker, the lock, Composer's airflow_monitoring.py, tests and caches.
5. Writes the marker (release, commit, build start, the DAG ids of FILE) after the sync, then releases
   the lock. The DAG factory stamps each DAG with the marker's release; scripts/deploy/verify_dags.py waits for it.

--release and --commit default to the checkout's (an exact tag, else the commit's first 12 characters;
"-dirty-<time>" when the source has uncommitted changes). --dry-run only prints what rsync would change.
Exit 0 deployed (or superseded), 1 gcloud failed, 2 bad input, 4 the lock stayed taken. Standard library
only (runs in the Cloud SDK image). Lock timings: DEPLOY_LOCK_WAIT_SECONDS (default 1200),
DEPLOY_LOCK_STALE_SECONDS (3600), DEPLOY_LOCK_POLL_SECONDS (10).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from delivery import gcloud
from delivery.lock import DeployLock, LockTimeout
from delivery.release import MARKER, Release, dags_prefix, exclude_argument, now, parse_time, seconds_setting

REPO = Path(__file__).resolve().parents[2]
OK, FAILED, USAGE, LOCKED = 0, 1, 2, 4


class BadInput(ValueError):
    pass


def _git(source: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def checkout_release(source: Path) -> tuple[str, str]:
    """(release, commit) of the checkout SOURCE is in, for deploys outside Cloud Build."""
    commit = _git(source, "rev-parse", "HEAD")
    if not commit:
        raise BadInput(f"{source} is not in a git checkout: pass --release NAME and --commit SHA")
    release = _git(source, "describe", "--tags", "--exact-match", "HEAD") or commit[:12]
    if _git(source, "status", "--porcelain", "--", ".") and not release.endswith("-dirty"):
        release = f"{release}-dirty-{now()[:19].replace(':', '').replace('-', '')}"
    return release, commit


def load_listing(path: Path | None) -> dict[str, str]:
    """The DAG ids scripts/deploy/list_dag_ids.py found, refusing a listing with import errors or no DAGs."""
    if path is None:
        raise BadInput(
            "no --dag-ids: list the folder's DAGs first, e.g.\n"
            "  .venv/bin/python scripts/deploy/list_dag_ids.py dags -o .build/dag_ids.json\n"
            "(make deploy-dags does this for you)"
        )
    try:
        listing = json.loads(path.read_text())
        dags, errors = listing["dags"], listing["import_errors"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BadInput(f"--dag-ids {path}: not scripts/deploy/list_dag_ids.py output ({error})") from error
    if errors:
        lines = "\n".join(f"  {file}: {message}" for file, message in sorted(errors.items()))
        raise BadInput(f"the DAG folder has import errors; fix them before deploying:\n{lines}")
    if not dags:
        raise BadInput(f"--dag-ids {path} lists no DAGs: is it the listing of the folder being deployed?")
    return dict(dags)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", default=os.environ.get("DAGS_PREFIX", ""), help="gs://<bucket>/dags")
    parser.add_argument("-n", "--dry-run", action="store_true", help="print what would change, change nothing")
    parser.add_argument("--source", type=Path, default=REPO / "dags", help="the DAG folder (default: dags/)")
    parser.add_argument("--dag-ids", type=Path, help="scripts/deploy/list_dag_ids.py's output for --source")
    parser.add_argument("--release", help="the release name: a tag, or a commit's first 12 characters")
    parser.add_argument("--commit", help="the commit deployed")
    parser.add_argument("--started-at", help="when the deploying build started (ISO 8601; default: now)")
    parser.add_argument("--environment", default="", help="a label for the marker (dev, prod)")
    parser.add_argument("--build-id", default="", help="the Cloud Build build id, for the marker and the lock")
    return parser.parse_args(argv)


def _seconds(name: str, default: float) -> float:
    try:
        return seconds_setting(name, default)
    except ValueError as error:
        raise BadInput(str(error)) from error


def prepare(args: argparse.Namespace) -> tuple[str, Release | None]:
    """The target and the marker to write (none for a dry run), or BadInput naming the input and the fix."""
    if not args.target:
        raise BadInput(
            "no target: pass the environment's DAG folder, e.g.\n"
            "  scripts/deploy/deploy_dags.py --dag-ids .build/dag_ids.json gs://us-central1-genops-dev-1a2b3c4d-bucket/dags\n"
            "  make deploy-dags DAGS_PREFIX=$(terraform -chdir=terraform output -raw dag_gcs_prefix)"
        )
    try:
        target = dags_prefix(args.target)
    except ValueError as error:
        raise BadInput(str(error)) from error
    if not args.source.is_dir():
        raise BadInput(f"source {args.source} is not a directory (default: dags/ of this repository)")
    if args.dry_run:
        return target, None
    dags = load_listing(args.dag_ids)
    if bool(args.release) != bool(args.commit):
        raise BadInput("pass --release and --commit together (or neither: the checkout's are used)")
    release, commit = (args.release, args.commit) if args.release else checkout_release(args.source)
    try:
        marker = Release(
            release=release,
            commit=commit,
            started_at=args.started_at or now(),
            environment=args.environment,
            build_id=args.build_id,
            dags=dags,
        )
    except ValueError as error:
        raise BadInput(str(error)) from error
    return target, marker


def deploy(target: str, source: Path, marker: Release | None) -> None:
    """Sync SOURCE to TARGET under the lock and write MARKER; without a marker, a dry run."""
    # The trailing slash matters: for gs://b/dags, gcloud first GETs an object named `dags` (outside the
    # dags/ prefix the deploy account is limited to: a 403 aborts the sync); for gs://b/dags/ it GETs `dags/`.
    sync = ["storage", "rsync", str(source), f"{target}/", "--recursive", "--checksums-only"]
    sync += ["--delete-unmatched-destination-objects", exclude_argument()]
    if marker is None:
        print(f"Dry run: what deploying {source} to {target} would change (nothing changes).", flush=True)
        gcloud.run_streamed(*sync, "--dry-run")
        return
    lock = DeployLock(
        target,
        f"build {marker.build_id or '-'} release {marker.release}",
        wait_seconds=_seconds("DEPLOY_LOCK_WAIT_SECONDS", 1200),
        stale_seconds=_seconds("DEPLOY_LOCK_STALE_SECONDS", 3600),
        poll_seconds=_seconds("DEPLOY_LOCK_POLL_SECONDS", 10),
    )
    with lock:
        content = gcloud.read_object(f"{target}/{MARKER}")
        current = Release.from_json(content) if content else None
        if current and parse_time(current.started_at) > parse_time(marker.started_at):
            print(
                f"Not deploying {marker.release}: {target} already holds release {current.release} from a build "
                f"that started later ({current.started_at} > {marker.started_at}). Nothing changed.",
                flush=True,
            )
            return
        print(f"Deploying release {marker.release} ({marker.commit}) from {source} to {target}.", flush=True)
        gcloud.run_streamed(*sync)
        unchanged = current is not None and (current.release, current.commit, current.dags) == (
            marker.release,
            marker.commit,
            marker.dags,
        )
        if unchanged:
            print(f"{target}/{MARKER} already names release {marker.release}; left as it is.", flush=True)
        else:
            gcloud.write_object(f"{target}/{MARKER}", replace(marker, deployed_at=now()).to_json())
            print(f"Wrote {target}/{MARKER}: release {marker.release}, {len(marker.dags)} DAG ids.", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        target, marker = prepare(args)
        gcloud.require_gcloud()
        deploy(target, args.source, marker)
    except BadInput as error:
        print(f"deploy_dags: {error}", file=sys.stderr)
        return USAGE
    except LockTimeout as error:
        print(f"deploy_dags: {error}", file=sys.stderr)
        return LOCKED
    except gcloud.GcloudError as error:
        print(f"deploy_dags: {error}", file=sys.stderr)
        return FAILED
    return OK


if __name__ == "__main__":
    sys.exit(main())
