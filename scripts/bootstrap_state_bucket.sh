#!/usr/bin/env bash
# Create (or re-harden) the GCS bucket that holds the blueprint's Terraform state, with gcloud.
# Run once per project, before the first `terraform init`. Safe to rerun: an existing bucket is
# only updated to the same settings. Prints every gcloud command before running it.
#
#   scripts/bootstrap_state_bucket.sh [--dry-run] PROJECT_ID BUCKET [LOCATION]
#
# LOCATION defaults to us-central1. The bucket gets uniform bucket-level access, public access
# prevention, object versioning (every state write is recoverable), a lifecycle rule that keeps the
# 20 newest noncurrent versions of each object, and labels app=genops, purpose=terraform-state.
set -euo pipefail

usage() {
  sed -n 's/^#   //p' "$0" >&2
  echo "Example: $0 acme-genops-dev acme-genops-dev-tfstate us-central1" >&2
  exit 2
}

dry_run=0
args=()
for arg in "$@"; do
  case "$arg" in
    -n | --dry-run) dry_run=1 ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $arg" >&2; usage ;;
    *) args+=("$arg") ;;
  esac
done
[ "${#args[@]}" -ge 2 ] && [ "${#args[@]}" -le 3 ] || usage
project="${args[0]}"
bucket="${args[1]#gs://}"
location="${args[2]:-us-central1}"

if ! [[ "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]]; then
  echo "PROJECT_ID '$project' is not a project id (6-30 lowercase letters, digits, hyphens)." >&2
  exit 2
fi
if ! [[ "$bucket" =~ ^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$ ]]; then
  echo "BUCKET '$bucket' is not a valid bucket name (3-63 lowercase letters, digits, . _ -)." >&2
  exit 2
fi
if [ "$dry_run" = 0 ] && ! command -v gcloud >/dev/null 2>&1; then
  echo "gcloud is not on PATH: install the Google Cloud CLI and run 'gcloud auth login' first." >&2
  exit 1
fi

# step CMD...: print the command, then run it unless --dry-run.
step() {
  printf '+ %s\n' "$*"
  [ "$dry_run" = 1 ] || "$@"
}

lifecycle="$(mktemp)"
trap 'rm -f "$lifecycle"' EXIT
cat >"$lifecycle" <<'JSON'
{"rule": [{"action": {"type": "Delete"}, "condition": {"isLive": false, "numNewerVersions": 20}}]}
JSON

echo "State bucket gs://$bucket in project $project ($location)$([ "$dry_run" = 1 ] && echo ', dry run')"
if [ "$dry_run" = 0 ] && gcloud storage buckets describe "gs://$bucket" --project="$project" >/dev/null 2>&1; then
  echo "gs://$bucket exists: applying the hardening settings again."
else
  step gcloud storage buckets create "gs://$bucket" --project="$project" --location="$location" \
    --default-storage-class=STANDARD --uniform-bucket-level-access --public-access-prevention
fi
step gcloud storage buckets update "gs://$bucket" --project="$project" \
  --versioning --uniform-bucket-level-access --public-access-prevention \
  --lifecycle-file="$lifecycle" --update-labels=app=genops,purpose=terraform-state

cat <<EOF
Done. Point Terraform at it (see terraform/backends/dev.gcs.tfbackend.example):
  bucket = "$bucket"
  prefix = "genops/<environment>"
then: terraform -chdir=terraform init -backend-config=backends/<environment>.gcs.tfbackend
EOF
