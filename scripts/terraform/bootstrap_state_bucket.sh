#!/usr/bin/env bash
# Create (or re-harden) the GCS bucket that holds the blueprint's Terraform state, with gcloud.
# Run once, before the first `terraform init`. Safe to rerun: an existing bucket is only updated to the
# same settings. Prints every gcloud command before running it.
#
#   scripts/terraform/bootstrap_state_bucket.sh [--dry-run] [--kms-key KEY] [--workload-project P]... ADMIN_PROJECT BUCKET [LOCATION]
#
# ADMIN_PROJECT holds the bucket. Use a separate admin project for production: the Composer environment's
# account holds roles/composer.worker, which includes storage.objects.* on every bucket of its own project,
# so state kept there could be rewritten by any DAG. Each --workload-project names a project the state
# describes; the script refuses when it is ADMIN_PROJECT (add --allow-same-project for a throwaway dev
# setup). --kms-key projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> makes it the bucket's default
# key, after letting ADMIN_PROJECT's Cloud Storage service agent use it (the key must be in LOCATION).
# LOCATION defaults to us-central1. The bucket gets uniform bucket-level access, public access prevention,
# object versioning (every state write is recoverable), a lifecycle rule that keeps the 20 newest
# noncurrent versions of each object, and labels app=genops, purpose=terraform-state.
set -euo pipefail

usage() {
  sed -n 's/^#   //p' "$0" >&2
  echo "Example: $0 --workload-project acme-genops-prod --kms-key projects/acme-kms/locations/us-central1/keyRings/tf/cryptoKeys/state acme-genops-admin acme-genops-tfstate us-central1" >&2
  exit 2
}

dry_run=0
same_ok=0
kms_key=""
workloads=()
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    -n | --dry-run) dry_run=1 ;;
    --allow-same-project) same_ok=1 ;;
    --kms-key) [ "$#" -ge 2 ] || usage; kms_key="$2"; shift ;;
    --kms-key=*) kms_key="${1#*=}" ;;
    --workload-project) [ "$#" -ge 2 ] || usage; workloads+=("$2"); shift ;;
    --workload-project=*) workloads+=("${1#*=}") ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ "${#args[@]}" -ge 2 ] && [ "${#args[@]}" -le 3 ] || usage
project="${args[0]}"
bucket="${args[1]#gs://}"
location="${args[2]:-us-central1}"

project_id='^[a-z][a-z0-9-]{4,28}[a-z0-9]$'
for p in "$project" "${workloads[@]}"; do
  if ! [[ "$p" =~ $project_id ]]; then
    echo "'$p' is not a project id (6-30 lowercase letters, digits, hyphens)." >&2
    exit 2
  fi
done
if ! [[ "$bucket" =~ ^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$ ]]; then
  echo "BUCKET '$bucket' is not a valid bucket name (3-63 lowercase letters, digits, . _ -)." >&2
  exit 2
fi
for p in "${workloads[@]}"; do
  if [ "$p" = "$project" ] && [ "$same_ok" = 0 ]; then
    echo "ADMIN_PROJECT '$project' is also a workload project: the Composer account there (roles/composer.worker) could rewrite the state. Use a separate admin project, or --allow-same-project for a throwaway dev setup." >&2
    exit 2
  fi
done
if [ -n "$kms_key" ] && ! [[ "$kms_key" =~ ^projects/[^/]+/locations/([^/]+)/keyRings/[^/]+/cryptoKeys/[^/]+$ ]]; then
  echo "--kms-key '$kms_key' is not projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>." >&2
  exit 2
fi
if [ -n "$kms_key" ] && [ "${BASH_REMATCH[1]}" != "$location" ]; then
  echo "--kms-key is in '${BASH_REMATCH[1]}' but the bucket is in '$location': Cloud Storage needs a key in the bucket's location." >&2
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

encryption=()
if [ -n "$kms_key" ]; then
  encryption=(--default-encryption-key="$kms_key")
  # The admin project's Cloud Storage agent must be able to use the key before the bucket is created with it.
  step gcloud storage service-agent --project="$project" --authorize-cmek="$kms_key"
fi

echo "State bucket gs://$bucket in project $project ($location)$([ "$dry_run" = 1 ] && echo ', dry run')"
if [ "$dry_run" = 0 ] && gcloud storage buckets describe "gs://$bucket" --project="$project" >/dev/null 2>&1; then
  echo "gs://$bucket exists: applying the hardening settings again."
else
  step gcloud storage buckets create "gs://$bucket" --project="$project" --location="$location" \
    --default-storage-class=STANDARD --uniform-bucket-level-access --public-access-prevention "${encryption[@]}"
fi
step gcloud storage buckets update "gs://$bucket" --project="$project" \
  --versioning --uniform-bucket-level-access --public-access-prevention "${encryption[@]}" \
  --lifecycle-file="$lifecycle" --update-labels=app=genops,purpose=terraform-state

cat <<EOF_NEXT
Done. Point Terraform at it (see terraform/backends/prod.gcs.tfbackend.example):
  bucket = "$bucket"
  prefix = "genops/<environment>"
then: terraform -chdir=terraform init -backend-config=backends/<environment>.gcs.tfbackend
Whoever applies needs roles/storage.objectAdmin on gs://$bucket (in $project), nothing else there.
EOF_NEXT
