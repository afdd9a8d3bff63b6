#!/usr/bin/env bash
# Stage the sample DAGs' inputs in the data bucket, where dags/samples read them:
#   samples/inputs/<path>  ->  gs://<bucket>/<prefix>/inputs/<path>   (the feedback transcript, PDFs, partner CSV)
#   the public video named in samples/inputs/video/SOURCE  ->  gs://<bucket>/<prefix>/inputs/video/<its name>
#
# Usage: scripts/data/stage_samples.sh [--dry-run] [--prefix PREFIX] [BUCKET]
#   BUCKET  the data bucket name without gs:// (default: $GENOPS_DATA_BUCKET; Terraform: `terraform output -raw data_bucket`)
#   PREFIX  GENOPS_SAMPLES_PREFIX (default: $GENOPS_SAMPLES_PREFIX or "samples")
#   --dry-run  print the gcloud commands instead of running them
# Re-running overwrites the staged copies, which restores the samples (e.g. the partner CSV's deliberate bad row).
# `make local` runs this same script against its Cloud Storage emulator: gcloud reaches it through its standard
# settings (CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE), and the public video is a
# placeholder object in the emulator's cloud-samples-data bucket.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
inputs="$repo/samples/inputs"
dry_run=false
prefix="${GENOPS_SAMPLES_PREFIX:-samples}"
bucket="${GENOPS_DATA_BUCKET:-}"

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) bucket="$1" ;;
  esac
  shift
done

if [ -z "$bucket" ]; then
  echo "error: no bucket: pass the data bucket name or set GENOPS_DATA_BUCKET (terraform output -raw data_bucket)" >&2
  exit 2
fi
if [[ ! "$bucket" =~ ^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$ ]]; then
  echo "error: '$bucket' is not a bucket name; give the name only, e.g. acme-genops-dev-genops-dev-data (no gs://)" >&2
  exit 2
fi
if [[ -z "$prefix" || "$prefix" == /* || "$prefix" == */ || "$prefix" =~ [[:space:]] ]]; then
  echo "error: prefix '$prefix' must be an object prefix like 'samples': no leading or trailing slash, no spaces" >&2
  exit 2
fi
destination="gs://$bucket/$prefix/inputs"

run() {
  if $dry_run; then
    printf '%q ' "$@"
    echo
  else
    "$@"
  fi
}

# Files in the repository, in a stable order; SOURCE files are pointers, not inputs.
while IFS= read -r file; do
  relative="${file#"$inputs"/}"
  run gcloud storage cp "$file" "$destination/$relative"
done < <(find "$inputs" -type f ! -name SOURCE | LC_ALL=C sort)

# Objects that stay where Google publishes them: copied bucket to bucket.
while IFS= read -r pointer; do
  folder="$(dirname "${pointer#"$inputs"/}")"
  source_uri="$(grep -v '^[[:space:]]*#' "$pointer" | grep -m1 '^gs://' || true)"
  if [ -z "$source_uri" ]; then
    echo "error: $pointer names no gs:// object" >&2
    exit 1
  fi
  run gcloud storage cp "$source_uri" "$destination/$folder/$(basename "$source_uri")"
done < <(find "$inputs" -type f -name SOURCE | LC_ALL=C sort)

$dry_run || echo "Staged the sample inputs under $destination/"
