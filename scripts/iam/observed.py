"""terraform/iam/observed.json: the permissions the tests saw each identity use, at the wire.

The wire tests, the delivery tests and the end-to-end run record every permission the IAM front checked
(scripts/local/cloud/iam_front.py) when LOCAL_IAM_RECORD names a file. This folds such records into the
committed list, which the IAM proof checks against what Terraform grants and docs/iam.md is generated from:

    LOCAL_IAM_RECORD=/tmp/iam.jsonl pytest tests/dags/test_wire_*.py tests/delivery
    python -m scripts.iam.observed /tmp/iam.jsonl [--replace]

Without --replace, entries are added to what is there (a partial run loses nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OBSERVED = REPO / "terraform" / "iam" / "observed.json"


def key(entry: dict) -> tuple[str, str, str]:
    return entry["identity"], entry["permission"], entry["resource"]


def load(path: Path = OBSERVED) -> list[dict]:
    return json.loads(path.read_text())["observed"] if path.is_file() else []


def unrecorded(calls: list[dict]) -> list[str]:
    """Calls a test saw that the committed list lacks (empty while recording: LOCAL_IAM_RECORD is set)."""
    import os

    if os.environ.get("LOCAL_IAM_RECORD"):
        return []
    known = {key(e) for e in load()}
    return sorted({" ".join(key(c)) for c in calls if key(c) not in known})


def merge(existing: list[dict], records: list[dict]) -> list[dict]:
    merged: dict[tuple, dict] = {key(e): {**e, "methods": sorted(set(e["methods"]))} for e in existing}
    for record in records:
        entry = merged.setdefault(key(record), {"identity": record["identity"], "permission": record["permission"],
                                                "resource": record["resource"], "methods": []})  # fmt: skip
        entry["methods"] = sorted(set(entry["methods"]) | {record["method"]})
    return [merged[k] for k in sorted(merged)]


def text(entries: list[dict]) -> str:
    header = "recorded by the IAM front in the wire, delivery and end-to-end tests (python -m scripts.iam.observed)"
    return json.dumps({"source": header, "observed": entries}, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    from scripts.local.cloud.iam_front import read_record

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="+", type=Path)
    parser.add_argument("--replace", action="store_true", help="start from nothing instead of the committed list")
    args = parser.parse_args(argv)
    records = [entry for path in args.records for entry in read_record(path)]
    entries = merge([] if args.replace else load(), records)
    OBSERVED.write_text(text(entries))
    print(f"{OBSERVED.relative_to(REPO)}: {len(entries)} (identity, permission, resource) entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
