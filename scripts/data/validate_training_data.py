"""Validate a supervised-tuning JSONL file, then upload it to the data bucket for the tuning DAGs.

    python scripts/data/validate_training_data.py [PATH] [--dry-run] [--bucket BUCKET] [--object OBJECT]

PATH defaults to the lab's sample (dags/genops/data/sft_train.jsonl); the destination defaults to
gs://$GENOPS_DATA_BUCKET/$GENOPS_TRAINING_DATA_OBJECT, where supervised_fine_tuning and genops_pipeline
wait for it. The DAGs run the same checks (genops.tuning.training_data) before they start a tuning job.
Exit status: 0 valid (and uploaded unless --dry-run), 1 invalid data (nothing uploaded), 2 cannot run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "dags"))

from genops.core import config  # noqa: E402  (needs the path above)
from genops.tuning.training_data import SAMPLE_DATASET, TrainingDataError, validate_file  # noqa: E402


def upload_file(path: Path, bucket: str, object_name: str) -> str:
    """Copy the file to gs://bucket/object_name with Application Default Credentials; return the URI."""
    from google.cloud import storage

    blob = storage.Client(project=config.get("GENOPS_PROJECT_ID")).bucket(bucket).blob(object_name)
    blob.upload_from_filename(str(path), content_type="application/jsonl")
    return f"gs://{bucket}/{object_name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE_DATASET, help="local JSONL file")
    parser.add_argument("--dry-run", action="store_true", help="validate only; upload nothing")
    parser.add_argument("--bucket", help="default: $GENOPS_DATA_BUCKET")
    parser.add_argument("--object", dest="object_name", help="default: $GENOPS_TRAINING_DATA_OBJECT")
    args = parser.parse_args(argv)

    if not args.path.is_file():
        print(f"{args.path}: no such file; pass the JSONL file to validate.", file=sys.stderr)
        return 2
    try:
        summary = validate_file(args.path)
    except TrainingDataError as err:
        print(f"{err}\nNothing was uploaded.", file=sys.stderr)
        return 1
    print(f"{args.path}: valid, {summary.examples} examples, {summary.size_bytes} bytes")

    object_name = args.object_name or config.get("GENOPS_TRAINING_DATA_OBJECT")
    try:
        bucket = args.bucket or config.get("GENOPS_DATA_BUCKET")
    except config.MissingSettingError as err:
        if not args.dry_run:
            print(f"{err} Or pass --bucket. Nothing was uploaded.", file=sys.stderr)
            return 2
        bucket = "$GENOPS_DATA_BUCKET"
    if args.dry_run:
        print(f"--dry-run: nothing uploaded; would upload to gs://{bucket}/{object_name}")
        return 0
    print(f"Uploaded to {upload_file(args.path, bucket, object_name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
