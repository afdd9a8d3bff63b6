#!/usr/bin/env bash
# The Terraform checks of the Cloud Build test step, never from the Terraform registry:
#   bash scripts/terraform/ci_terraform_checks.sh        (cloudbuild.yaml, step terraform-checks)
# Build pools have no route to registry.terraform.io (a private pool without internet) and the build must
# not fetch providers silently. So the Terraform checks (fmt, init, validate, test, environment plans: all of
# scripts/terraform/check_terraform.sh) run only from providers the platform provides:
#   - a provider mirror: TF_CLI_CONFIG_FILE names a CLI config whose provider_installation uses a
#     filesystem_mirror / network_mirror (set it in a builder image that carries the mirror), or
#   - the offline kit: TERRAFORM_OFFLINE_KIT or ../shared/terraform-offline next to the checkout.
# Without either, one line says the Terraform checks are SKIPPED and where they run instead (make pre-commit,
# make test-terraform), and checkov (from PyPI, like every Python tool of the build) still runs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="${TERRAFORM_OFFLINE_KIT:-$repo/../shared/terraform-offline}"

if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ -f "$TF_CLI_CONFIG_FILE" ] &&
  grep -Eq '(filesystem|network)_mirror' "$TF_CLI_CONFIG_FILE"; then
  echo "Terraform providers from the mirror in $TF_CLI_CONFIG_FILE."
elif [ -x "$kit/activate" ]; then
  echo "Terraform providers from the offline kit at $kit."
  export TERRAFORM_OFFLINE_KIT="$kit"
else
  echo "SKIPPED terraform fmt, init, validate, test and plans here: no provider mirror (TF_CLI_CONFIG_FILE) and" \
    "no offline kit (TERRAFORM_OFFLINE_KIT), and this build never downloads providers from the Terraform" \
    "registry. They run in make pre-commit and make test-terraform (docs/contributing.md#pre-commit-hooks); checkov still runs."
  export TERRAFORM_CHECKS_SKIPPED="no provider mirror or offline kit in this build (see above)"
fi
exec bash "$repo/scripts/terraform/check_terraform.sh"
