#!/usr/bin/env bash
# terraform init, plan and apply for one environment (make tf-init / tf-plan / tf-apply ENV=...).
#
#   scripts/terraform/terraform_env.sh init|plan|apply ENV [TERRAFORM_ARGS...]
#
# ENV names both files it needs, and it refuses to run without them:
#   terraform/backends/ENV.gcs.tfbackend   state bucket and prefix (copy backends/dev.gcs.tfbackend.example)
#   terraform/environments/ENV.tfvars      the environment's settings
# init  runs `init -reconfigure` against that backend and records ENV in terraform/.terraform/.
# plan  plans ENV.tfvars into terraform/ENV.tfplan; PROJECT_ID=... adds -var=project_id=...
# apply applies exactly that saved plan.
# plan and apply refuse when the working directory was initialised for another environment, so a
# prod plan can never run against dev state.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tf="$repo/terraform"
marker="$tf/.terraform/genops-environment"

action="${1:-}"
env="${2:-}"

fail() {
  echo "terraform_env: $1" >&2
  exit 2
}
case "$action" in
  init | plan | apply) ;;
  *) fail "usage: scripts/terraform/terraform_env.sh init|plan|apply ENV (or make tf-init ENV=dev)" ;;
esac
shift 2 || true

known="$(cd "$tf/environments" 2>/dev/null && ls -- *.tfvars 2>/dev/null | sed 's/\.tfvars$//' | paste -sd' ' -)" || true
if [ -z "$env" ]; then
  fail "no environment: run make tf-$action ENV=<name>; environments with tfvars: ${known:-none}"
fi
[[ "$env" =~ ^[a-z][a-z0-9_-]*$ ]] || fail "ENV '$env' must be a lowercase name such as dev or prod"

backend="backends/$env.gcs.tfbackend"
tfvars="environments/$env.tfvars"
plan="$env.tfplan"
if [ ! -f "$tf/$backend" ]; then
  fail "terraform/$backend is missing: create the state bucket (scripts/terraform/bootstrap_state_bucket.sh), then
  cp terraform/backends/dev.gcs.tfbackend.example terraform/$backend   # and set bucket and prefix"
fi
if [ ! -f "$tf/$tfvars" ]; then
  fail "terraform/$tfvars is missing: copy terraform/environments/dev.tfvars to it and adjust
  (environments with tfvars: ${known:-none})"
fi
if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform_env: terraform is not on PATH: install Terraform >= 1.9." >&2
  exit 1
fi

run() {
  printf '+ %s\n' "$*"
  "$@"
}

initialised_for() {
  local found
  found="$(cat "$marker" 2>/dev/null || true)"
  [ "$found" = "$env" ] ||
    fail "terraform/ is initialised for '${found:-no environment}', not '$env': run make tf-init ENV=$env first"
}

case "$action" in
  init)
    run terraform -chdir="$tf" init -reconfigure -input=false -backend-config="$backend" "$@"
    echo "$env" >"$marker"
    ;;
  plan)
    initialised_for
    vars=(-var-file="$tfvars")
    [ -z "${PROJECT_ID:-}" ] || vars+=(-var="project_id=$PROJECT_ID")
    run terraform -chdir="$tf" plan -input=false "${vars[@]}" -out="$plan" "$@"
    echo "Saved terraform/$plan: review it, then make tf-apply ENV=$env"
    ;;
  apply)
    initialised_for
    [ -f "$tf/$plan" ] || fail "terraform/$plan is missing: run make tf-plan ENV=$env first and review it"
    run terraform -chdir="$tf" apply -input=false "$@" "$plan"
    rm -f "$tf/$plan"
    ;;
esac
