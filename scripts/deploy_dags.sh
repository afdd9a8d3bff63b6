#!/usr/bin/env bash
# Sync dags/ to a Composer environment's DAG folder: the same command the deploy build runs.
#
#   scripts/deploy_dags.sh [--dry-run] [--source DIR] gs://<bucket>/dags
#   DAGS_PREFIX=gs://<bucket>/dags scripts/deploy_dags.sh [--dry-run]      (make deploy-dags)
#
# One `gcloud storage rsync`, recursive and checksum-based (--checksums-only: a second deploy of an
# unchanged tree uploads nothing, even from a fresh clone whose files all have new mtimes), deleting
# objects whose files were removed from dags/. Excluded on both sides, so never uploaded and never
# deleted: tests, caches (__pycache__, *.pyc, .pytest_cache, ...) and Composer's own
# airflow_monitoring.py. The target must be exactly the dags/ prefix of a bucket
# (`terraform -chdir=terraform output -raw dag_gcs_prefix`): data/, plugins/, logs/ and every other
# prefix of the environment's bucket are out of reach. --dry-run prints what would change.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Relative paths (Python regex, matched from the start of the path under the source and the target).
exclude='^airflow_monitoring\.py$|(.*/)?(__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|tests?)/.*|.*\.py[co]$|(.*/)?(test_[^/]*|conftest)\.py$'
# A bucket name (3-222 characters of lowercase letters, digits, dots, dashes, underscores), then /dags.
target_pattern='^gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])/dags/?$'

fail() {
  echo "deploy_dags: $1" >&2
  exit 2
}

usage() {
  sed -n 's/^#   //p' "$0" >&2
  exit 2
}

dry_run=0
source_dir="$repo/dags"
target="${DAGS_PREFIX:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    -n | --dry-run) dry_run=1 ;;
    --source)
      [ $# -ge 2 ] || fail "--source needs a directory"
      source_dir="$2"
      shift
      ;;
    -h | --help) usage ;;
    -*) fail "unknown option '$1' (use --dry-run, --source DIR, or --help)" ;;
    *)
      [ -z "${target_arg:-}" ] || fail "one target only; got '$target_arg' and '$1'"
      target_arg="$1"
      ;;
  esac
  shift
done
target="${target_arg:-$target}"

if [ -z "$target" ]; then
  fail "no target: pass the environment's DAG folder, e.g.
  scripts/deploy_dags.sh gs://us-central1-genops-dev-1a2b3c4d-bucket/dags
  make deploy-dags DAGS_PREFIX=\$(terraform -chdir=terraform output -raw dag_gcs_prefix)"
fi
if ! [[ "$target" =~ $target_pattern ]]; then
  fail "target '$target' is not the dags/ prefix of a bucket: it must be exactly gs://<bucket>/dags
  (optionally with a trailing slash), the environment's dag_gcs_prefix
  (terraform -chdir=terraform output -raw dag_gcs_prefix). Other prefixes of the Composer bucket
  (data/, plugins/, logs/) are never deployed to."
fi
target="gs://${BASH_REMATCH[1]}/dags"
[ -d "$source_dir" ] || fail "source '$source_dir' is not a directory (default: dags/ of this repository)"
if ! command -v gcloud >/dev/null 2>&1; then
  echo "deploy_dags: gcloud is not on PATH: install the Google Cloud CLI, then run 'gcloud auth login'." >&2
  exit 1
fi

command=(gcloud storage rsync "$source_dir" "$target" --recursive --checksums-only
  --delete-unmatched-destination-objects "--exclude=$exclude")
[ "$dry_run" = 0 ] || command+=(--dry-run)

echo "Deploying $source_dir to $target$([ "$dry_run" = 1 ] && echo ' (dry run: nothing changes)')"
printf '+'
for arg in "${command[@]}"; do # shell-quoted, for copy and paste
  if [[ "$arg" =~ ^[A-Za-z0-9_./:=@-]+$ ]]; then printf ' %s' "$arg"; else printf " '%s'" "$arg"; fi
done
echo
"${command[@]}"
