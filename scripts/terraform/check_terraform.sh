#!/usr/bin/env bash
# Offline checks of the Terraform blueprint, from any directory:
#   terraform fmt -check, init -backend=false + validate + test, and a plan of each environments/*.tfvars
#   (through shared/terraform-offline, in a scratch copy so the working tree's .terraform/ and lock file
#   are never touched), then checkov from .venv-checkov (created from requirements/checkov.txt when
#   missing or out of date).
# Prints one line per check; a failing check's output follows its line. Exits non-zero if any failed.
# Providers come from the offline kit or a provider mirror (TF_CLI_CONFIG_FILE), never from the registry:
# without terraform on PATH, or without a kit or mirror, the Terraform checks fail (checkov still runs),
# unless TERRAFORM_CHECKS_SKIPPED gives the reason they cannot run here (scripts/terraform/ci_terraform_checks.sh).
#   bash scripts/terraform/check_terraform.sh --checkov-venv     only build .venv-checkov (.ci/run, before the suites)
# Environment: TERRAFORM_OFFLINE_KIT (default ../shared/terraform-offline next to the repository),
#              PYTHON (interpreter for .venv-checkov, default python3).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="${TERRAFORM_OFFLINE_KIT:-$repo/../shared/terraform-offline}"
venv="$repo/.venv-checkov"
requirements="$repo/requirements/checkov.txt"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/check-terraform.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
failed=0

# run NAME COMMAND...: run quietly, print "ok"/"FAIL" with the time taken, and the output on failure;
# returns the command's success so a caller can skip checks that depend on it.
run() {
  local name="$1" log="$scratch/$1.log" start=$SECONDS
  shift
  if "$@" >"$log" 2>&1; then
    printf 'ok    %-28s %3ds\n' "$name" $((SECONDS - start))
  else
    printf 'FAIL  %-28s %3ds\n' "$name" $((SECONDS - start))
    sed 's/^/      /' "$log"
    failed=1
    return 1
  fi
}

# A copy of terraform/ beside a link to dags/ (the schema file), without local state or lock files.
stage_terraform() {
  mkdir -p "$scratch/tree" &&
    tar -C "$repo" --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' -cf - terraform |
    tar -C "$scratch/tree" -xf - &&
    ln -s "$repo/dags" "$scratch/tree/dags"
}

terraform_checks() {
  if [ -n "${TERRAFORM_CHECKS_SKIPPED:-}" ]; then
    echo "SKIPPED terraform fmt, init, validate, test and plans: $TERRAFORM_CHECKS_SKIPPED"
    return 0
  fi
  if ! command -v terraform >/dev/null 2>&1; then
    echo "FAIL  terraform is not on PATH: install the version terraform/versions.tf requires"
    failed=1
    return 0
  fi
  if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && grep -Eqs '(filesystem|network)_mirror' "$TF_CLI_CONFIG_FILE"; then
    echo "Terraform providers from the mirror in $TF_CLI_CONFIG_FILE."
  elif [ -x "$kit/activate" ]; then
    local activation
    activation="$("$kit/activate")" || { echo "FAIL  terraform offline kit: $kit/activate failed"; failed=1; return 0; }
    eval "$activation"
  else
    echo "FAIL  no offline provider kit at $kit (set TERRAFORM_OFFLINE_KIT) and no provider mirror in" \
      "TF_CLI_CONFIG_FILE: these checks never download providers from the Terraform registry"
    failed=1
    return 0
  fi
  run "terraform fmt" terraform fmt -check -recursive -diff "$repo/terraform" || true
  stage_terraform
  local dir="$scratch/tree/terraform"
  export TF_IN_AUTOMATION=1 TF_INPUT=0
  run "terraform init" terraform -chdir="$dir" init -backend=false -no-color || return 0 # the rest needs it
  run "terraform validate" terraform -chdir="$dir" validate -no-color || true
  run "terraform test" terraform -chdir="$dir" test -no-color || true
  local tfvars
  for tfvars in "$dir"/environments/*.tfvars; do
    run "terraform plan $(basename "$tfvars")" terraform -chdir="$dir" test -no-color \
      -filter=tests/environments.tftest.hcl -var-file="environments/$(basename "$tfvars")" || true
  done
}

# Rebuild .venv-checkov when it is missing or was built from another requirements/checkov.txt.
# shellcheck disable=SC2329 # called through run()
checkov_venv() {
  local stamp="$venv/.requirements.sha256" want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$venv/bin/checkov" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  # Chained: `set -e` does not apply inside a function that run() calls from an if.
  rm -rf "$venv" &&
    "${PYTHON:-python3}" -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" &&
    echo "$want" >"$stamp"
}

if [ "${1:-}" = "--checkov-venv" ]; then
  run "checkov venv" checkov_venv || true
  exit "$failed"
fi

terraform_checks
if run "checkov venv" checkov_venv; then
  run "checkov" "$venv/bin/checkov" --directory "$repo/terraform" --framework terraform --skip-download --compact --quiet || true
fi
exit "$failed"
