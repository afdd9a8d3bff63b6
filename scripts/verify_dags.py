#!/usr/bin/env python3
"""Fail when a Composer environment reports DAG import errors: the deploy build's last check.

    scripts/verify_dags.py [--environment NAME] [--location REGION]     (make verify-dags)

Runs `gcloud composer environments run NAME --location REGION dags list-import-errors -- -o json`
and reads the JSON list it prints. Exit 0 when the list is empty, 1 when it names files (each file and
the last line of its error are printed), 2 for bad input, 3 when the environment could not be asked.

The DAG processor needs time to see a sync: the first check waits VERIFY_WAIT_SECONDS (default 0), and
a check that finds errors or cannot reach the environment is repeated up to VERIFY_ATTEMPTS times
(default 3), VERIFY_INTERVAL_SECONDS apart (default 60), so errors of files fixed by this deploy clear.
Arguments default to COMPOSER_ENV and COMPOSER_REGION. Standard library only (Cloud SDK images).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

OK, IMPORT_ERRORS, USAGE, UNREACHABLE = 0, 1, 2, 3


def parse_import_errors(stdout: str) -> list[dict] | None:
    """The list `dags list-import-errors -o json` printed, or None if stdout holds no such list.

    gcloud may print other lines around Airflow's output, so the last line that starts a JSON list
    is decoded from there on.
    """
    decoder = json.JSONDecoder()
    lines = stdout.splitlines(keepends=True)
    for start in reversed(range(len(lines))):
        if not lines[start].lstrip().startswith("["):
            continue
        text = "".join(lines[start:]).lstrip()
        try:
            value, _ = decoder.raw_decode(text)
        except json.JSONDecodeError:
            continue
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return value
    return None


def describe(errors: list[dict]) -> str:
    lines = [f"{len(errors)} DAG file(s) fail to import:"]
    for error in errors:
        trace = str(error.get("error", "")).strip().splitlines() or ["(no message)"]
        lines.append(f"  {error.get('filepath', '?')}: {trace[-1]}")
    return "\n".join(lines)


def check_once(environment: str, location: str) -> tuple[int, str]:
    command = [
        "gcloud",
        "composer",
        "environments",
        "run",
        environment,
        "--location",
        location,
        "dags",
        "list-import-errors",
        "--",
        "-o",
        "json",
    ]
    print("+ " + " ".join(command), flush=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return UNREACHABLE, "gcloud is not on PATH: install the Google Cloud CLI, then run 'gcloud auth login'."
    errors = parse_import_errors(result.stdout)
    if errors is None:  # Airflow 3 exits 1 when it lists errors, so only a missing list means failure
        tail = "\n".join((result.stderr.strip() or result.stdout.strip()).splitlines()[-10:])
        return UNREACHABLE, (
            f"could not list the import errors of environment {environment!r} in {location!r} "
            f"(gcloud exit {result.returncode}):\n{tail}\n"
            "Check the name and region (terraform output composer_environment) and that the caller has "
            "roles/composer.user on the project."
        )
    if errors:
        return IMPORT_ERRORS, describe(errors)
    return OK, f"No DAG import errors in {environment} ({location})."


def _seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SystemExit(f"verify_dags: {name}={raw!r} must be a whole number of seconds, 0 or more.")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--environment", default=os.environ.get("COMPOSER_ENV", ""), help="Composer environment")
    parser.add_argument("--location", default=os.environ.get("COMPOSER_REGION", ""), help="its region")
    args = parser.parse_args(argv)
    if not args.environment or not args.location:
        print(
            "verify_dags: no environment: pass --environment and --location (or set COMPOSER_ENV and "
            "COMPOSER_REGION), e.g. make verify-dags COMPOSER_ENV=genops-dev COMPOSER_REGION=us-central1 "
            "(terraform -chdir=terraform output composer_environment prints both).",
            file=sys.stderr,
        )
        return USAGE
    wait = _seconds("VERIFY_WAIT_SECONDS", 0)
    attempts = max(1, _seconds("VERIFY_ATTEMPTS", 3))
    interval = _seconds("VERIFY_INTERVAL_SECONDS", 60)

    if wait:
        print(f"Waiting {wait}s for the DAG processor to parse the synced files.", flush=True)
        time.sleep(wait)
    status, message = UNREACHABLE, ""
    for attempt in range(1, attempts + 1):
        status, message = check_once(args.environment, args.location)
        print(message, flush=True)
        if status == OK:
            return OK
        if attempt < attempts:
            print(f"Check {attempt}/{attempts} failed; checking again in {interval}s.", flush=True)
            time.sleep(interval)
    return status


if __name__ == "__main__":
    sys.exit(main())
