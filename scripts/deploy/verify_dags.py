#!/usr/bin/env python3
"""Prove a Composer environment parsed the release deployed to it: the deploy build's last step.

    scripts/deploy/verify_dags.py [--environment NAME] [--location REGION]     (make verify-dags)

1. The Composer API (`gcloud composer environments describe`): the environment's airflowUri, DAG folder
   (dagGcsPrefix) and imageVersion (Airflow 3 -> REST API v2, Airflow 2 -> v1).
2. The release marker dags/.genops_release.json the deploy wrote: the release and the DAG ids it holds.
3. The Airflow REST API with the caller's token (`gcloud auth print-access-token`), polled until every
   DAG id of the marker carries the tag release:<release>, which the DAG factory stamps when the DAG
   processor parses the file with that marker next to it. Passes only then, with no import error left.

Fails (exit 1), naming files and errors: an import error Airflow recorded for the same file on two parses
after the marker was written (one alone may come from a parse of a half-synced folder, which the next parse
clears; the DAG processor reparses every file, so a broken one fails again); an import error still there once
every DAG reports the release; a DAG id of the marker missing from a file Airflow parsed at the release; the
release not reported by every DAG id within VERIFY_TIMEOUT_SECONDS (default 900; the DAG processor rescans
the folder every [dag_processor] refresh_interval, 300 s by default, then reparses each file every
min_file_process_interval). Polls every VERIFY_INTERVAL_SECONDS
(default 15). Exit 2 bad input, 3 the environment or its API could not be asked. Arguments default to
COMPOSER_ENV and COMPOSER_REGION. Standard library only (runs in the Cloud SDK image).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from delivery import gcloud
from delivery.airflow import AirflowApi, AirflowError, Dag, ImportError_, api_version
from delivery.release import MARKER, Release, dags_prefix, parse_time, seconds_setting

OK, FAILED, USAGE, UNREACHABLE = 0, 1, 2, 3


class CheckFailed(RuntimeError):
    pass


class Unreachable(RuntimeError):
    pass


def describe(errors: list[ImportError_]) -> str:
    return "\n".join(f"  {error.file}: {error.message}" for error in sorted(errors, key=lambda e: e.file))


def pending(marker: Release, dags: dict[str, Dag]) -> dict[str, str]:
    """DAG ids of the marker Airflow does not yet report at its release, each with why."""
    reparsed_files = {dag.file for dag in dags.values() if marker.tag in dag.tags}
    waiting = {}
    for dag_id, file in sorted(marker.dags.items()):
        dag = dags.get(dag_id)
        if dag is None:
            waiting[dag_id] = f"missing from {file}" if file in reparsed_files else f"not listed yet ({file})"
        elif marker.tag not in dag.tags:
            seen = [tag for tag in dag.tags if tag.startswith("release:")] or ["no release tag"]
            waiting[dag_id] = f"at {', '.join(seen)}"
    return waiting


def evaluate(
    marker: Release, dags: dict[str, Dag], errors: list[ImportError_], first_seen: dict[str, str]
) -> str | None:
    """None while Airflow has not parsed the whole release; a success message once it has; CheckFailed.

    first_seen (file -> timestamp of the first import error seen after the marker) carries over between polls:
    an error fails the check once Airflow records it again for the same file on a later parse."""
    written = parse_time(marker.deployed_at)
    fresh = [error for error in errors if parse_time(error.timestamp) >= written]
    repeated = [
        error
        for error in fresh
        if error.file in first_seen and parse_time(error.timestamp) > parse_time(first_seen[error.file])
    ]
    for error in fresh:
        first_seen.setdefault(error.file, error.timestamp)
    if repeated:
        raise CheckFailed(
            f"{len(repeated)} DAG file(s) of release {marker.release} fail to import in Airflow:\n{describe(repeated)}"
        )
    waiting = pending(marker, dags)
    missing = {dag_id: why for dag_id, why in waiting.items() if why.startswith("missing")}
    if missing:
        lines = "\n".join(f"  {dag_id}: {why}" for dag_id, why in missing.items())
        raise CheckFailed(f"Airflow parsed release {marker.release} but these DAG ids are not there:\n{lines}")
    if waiting:
        return None
    if errors:
        raise CheckFailed(f"Every DAG is at release {marker.release}, but import errors remain:\n{describe(errors)}")
    return f"All {len(marker.dags)} DAGs parsed at release {marker.release}; no import errors."


def environment(name: str, location: str) -> tuple[AirflowApi, str]:
    """The environment's Airflow REST API and its DAG folder, from the Composer API."""
    try:
        env = gcloud.describe_environment(name, location)
    except gcloud.GcloudError as error:
        raise Unreachable(
            f"{error}\nCheck the name and region (terraform output composer_environment) and that the caller may "
            "get the environment (composer.environments.get)."
        ) from error
    config = env.get("config") or {}
    uri, prefix = config.get("airflowUri"), config.get("dagGcsPrefix")
    image = (config.get("softwareConfig") or {}).get("imageVersion", "")
    if not uri or not prefix:
        raise Unreachable(f"environment {name!r} reports no airflowUri/dagGcsPrefix yet (state {env.get('state')!r})")
    try:
        version = api_version(image)
    except ValueError as error:
        raise Unreachable(str(error)) from error
    print(f"{name}: {image}, Airflow REST API {version} at {uri}, DAG folder {prefix}", flush=True)
    return AirflowApi(uri, version, gcloud.access_token()), dags_prefix(prefix)


def read_marker(prefix: str) -> Release:
    content = gcloud.read_object(f"{prefix}/{MARKER}")
    if content is None:
        raise Unreachable(f"{prefix}/{MARKER} does not exist: deploy with scripts/deploy/deploy_dags.py first")
    marker = Release.from_json(content)
    if not marker.deployed_at or not marker.dags:
        raise Unreachable(f"{prefix}/{MARKER} has no deployed_at or no DAG ids: redeploy")
    return marker


def check(name: str, location: str, *, timeout: float, interval: float) -> str:
    api, prefix = environment(name, location)
    marker = read_marker(prefix)
    print(
        f"Waiting up to {timeout:.0f}s for Airflow to report release {marker.release} ({marker.commit}) on "
        f"{len(marker.dags)} DAG ids.",
        flush=True,
    )
    deadline = time.monotonic() + timeout
    last, waiting, first_seen = "", {}, {}
    while True:
        try:
            dags, errors = api.dags(), api.import_errors()
        except AirflowError as error:
            if error.status in (401, 403):
                raise Unreachable(
                    f"{error}\nThe caller's token was refused: it needs access to the environment's Airflow UI/API "
                    "(composer.environments.get and an Airflow role, see docs/troubleshooting.md#missing-permissions)."
                ) from error
            dags, errors = None, []
            status = f"Airflow REST API not answering: {error}"
        if dags is not None:
            result = evaluate(marker, dags, errors, first_seen)
            if result:
                return result
            waiting = pending(marker, dags)
            status = f"{len(waiting)} of {len(marker.dags)} DAG ids not yet at release {marker.release}: " + ", ".join(
                f"{dag_id} ({why})" for dag_id, why in list(waiting.items())[:5]
            )
        if status != last:
            print(status, flush=True)
            last = status
        if time.monotonic() + interval > deadline:
            lines = "\n".join(f"  {dag_id}: {why}" for dag_id, why in waiting.items()) or f"  {status}"
            raise CheckFailed(
                f"Airflow did not report release {marker.release} on every DAG within {timeout:.0f}s:\n{lines}"
                + (f"\nImport errors:\n{describe(errors)}" if errors else "")
            )
        time.sleep(interval)


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
    try:
        timeout = seconds_setting("VERIFY_TIMEOUT_SECONDS", 900)
        interval = seconds_setting("VERIFY_INTERVAL_SECONDS", 15)
    except ValueError as error:
        print(f"verify_dags: {error}", file=sys.stderr)
        return USAGE
    try:
        gcloud.require_gcloud()
        print(check(args.environment, args.location, timeout=timeout, interval=interval), flush=True)
    except CheckFailed as error:
        print(f"verify_dags: {error}", flush=True)
        return FAILED
    except (Unreachable, gcloud.GcloudError) as error:
        print(f"verify_dags: {error}", file=sys.stderr, flush=True)
        return UNREACHABLE
    return OK


if __name__ == "__main__":
    sys.exit(main())
