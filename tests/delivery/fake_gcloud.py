"""A stand-in for the two gcloud commands delivery runs, installed as `gcloud` first on PATH by the tests.

Every call is appended to $FAKE_GCLOUD_LOG as one JSON line ({"argv": [...], ...}).

`gcloud storage rsync SRC gs://BUCKET/PREFIX [flags]` behaves as gcloud documents it, against a folder
($FAKE_GCS_ROOT/BUCKET/...) standing in for the bucket, so tests can watch what a deploy uploads and deletes:
- without --recursive only SRC's top-level files take part;
- an object is uploaded when it is missing, or differs: by MD5 with --checksums-only, otherwise by size
  and modification time (so a fresh clone, whose files all have new mtimes, re-uploads everything);
- --delete-unmatched-destination-objects deletes objects under the prefix with no source file;
- --exclude/-x takes comma-separated Python regexes, each matched (re.match) against the path relative
  to SRC and to the prefix; excluded paths are neither uploaded nor deleted on either side;
- --dry-run reports and changes nothing. Any other flag fails, as gcloud does with an unknown flag.

`gcloud composer environments run ENV --location REGION dags list-import-errors -- -o json` prints the
next answer of $FAKE_IMPORT_ERRORS (a JSON list of answers, each a list of import errors; the last one
repeats; default [[]]) between log lines, and exits 1 when it lists errors, as Airflow 3 does.
$FAKE_COMPOSER_FAIL=1 makes it fail like a permission error instead. Other commands succeed silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

META = ".fake-gcs-metadata.json"  # object path -> {"md5", "size", "mtime"}, beside the buckets


def _log(entry: dict) -> None:
    with open(os.environ["FAKE_GCLOUD_LOG"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def _calls() -> list[dict]:
    path = Path(os.environ["FAKE_GCLOUD_LOG"])
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _files(root: Path, recursive: bool) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    found = root.rglob("*") if recursive else root.glob("*")
    return {p.relative_to(root).as_posix(): p for p in found if p.is_file() and p.name != META}


def rsync(args: list[str]) -> int:
    positional, flags, exclude = [], set(), []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--exclude=") or arg in ("--exclude", "-x"):
            value = arg.split("=", 1)[1] if "=" in arg else args[(i := i + 1)]
            exclude.extend(value.split(","))  # an ArgList flag: commas separate regexes
        elif arg in ("--recursive", "-r", "-R"):
            flags.add("recursive")
        elif arg in ("--checksums-only", "--delete-unmatched-destination-objects", "--dry-run"):
            flags.add(arg.lstrip("-"))
        elif arg.startswith("-"):
            print(f"ERROR: (gcloud.storage.rsync) unrecognized arguments: {arg}", file=sys.stderr)
            return 2
        else:
            positional.append(arg)
        i += 1
    source, destination = Path(positional[0]), positional[1]
    match = re.fullmatch(r"gs://([^/]+)/?(.*)", destination)
    if not source.is_dir() or not match:
        print("ERROR: (gcloud.storage.rsync) fake supports local dir -> gs:// only", file=sys.stderr)
        return 1
    gcs_root = Path(os.environ["FAKE_GCS_ROOT"])
    prefix = match.group(2).rstrip("/")
    target = gcs_root / match.group(1) / prefix
    metadata_file = gcs_root / META
    metadata = json.loads(metadata_file.read_text()) if metadata_file.exists() else {}
    patterns = [re.compile(p) for p in exclude]

    def excluded(relative: str) -> bool:
        return any(p.match(relative) for p in patterns)

    recursive = "recursive" in flags
    sources = {k: v for k, v in _files(source, recursive).items() if not excluded(k)}
    objects = {k: v for k, v in _files(target, recursive).items() if not excluded(k)}
    uploads, deletes = [], []
    for relative, path in sorted(sources.items()):
        key = f"{match.group(1)}/{prefix}/{relative}".replace("//", "/")
        stat = path.stat()
        known = metadata.get(key)
        if relative not in objects or known is None:
            uploads.append(relative)
        elif "checksums-only" in flags:
            if known["md5"] != _md5(path):
                uploads.append(relative)
        elif known["size"] != stat.st_size or known["mtime"] != int(stat.st_mtime):
            uploads.append(relative)
    if "delete-unmatched-destination-objects" in flags:
        deletes = sorted(set(objects) - set(sources))

    dry_run = "dry-run" in flags
    for relative in uploads:
        print(f"{'Would copy' if dry_run else 'Copying'} file://{source / relative} to {destination}/{relative}")
        if not dry_run:
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sources[relative], path)
            stat = sources[relative].stat()
            key = f"{match.group(1)}/{prefix}/{relative}".replace("//", "/")
            metadata[key] = {"md5": _md5(path), "size": stat.st_size, "mtime": int(stat.st_mtime)}
    for relative in deletes:
        print(f"{'Would remove' if dry_run else 'Removing'} {destination}/{relative}")
        if not dry_run:
            (target / relative).unlink()
            metadata.pop(f"{match.group(1)}/{prefix}/{relative}".replace("//", "/"), None)
    if not dry_run:
        metadata_file.parent.mkdir(parents=True, exist_ok=True)
        metadata_file.write_text(json.dumps(metadata))
    _log({"argv": ["storage", "rsync", *args], "uploaded": uploads, "deleted": deletes, "dry_run": dry_run})
    return 0


def composer_run(args: list[str]) -> int:
    asked = sum(1 for call in _calls() if call["argv"][:3] == ["composer", "environments", "run"])
    _log({"argv": ["composer", "environments", "run", *args]})
    print("Executing the command: [ airflow dags list-import-errors -o json ]...", file=sys.stderr)
    if os.environ.get("FAKE_COMPOSER_FAIL") == "1":
        print("ERROR: (gcloud.composer.environments.run) PERMISSION_DENIED: caller lacks permission", file=sys.stderr)
        return 1
    answers = json.loads(os.environ.get("FAKE_IMPORT_ERRORS", "[[]]"))
    errors = answers[min(asked, len(answers) - 1)]
    print("Command has been started. execution_id=fake")
    print(json.dumps(errors, indent=4))
    print("Command finished. exit_info=...", file=sys.stderr)
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    if argv[:2] == ["storage", "rsync"]:
        return rsync(argv[2:])
    if argv[:3] == ["composer", "environments", "run"]:
        return composer_run(argv[3:])
    _log({"argv": argv})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
