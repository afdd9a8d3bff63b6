# Plans one environment's settings: scripts/terraform/check_terraform.sh runs this file again with each
# environments/*.tfvars (-var-file), so a bad value there fails the check, not the first apply.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "plan" {
  command = plan

  assert {
    condition     = module.composer.name == "genops-${var.environment}"
    error_message = "The environment is named <name>-<environment>."
  }

  assert {
    condition     = module.composer.enable_private_environment && module.bigquery.table.deletion_protection
    error_message = "Every environment must stay private and keep the evaluations table protected."
  }

  assert {
    condition     = var.environment != "prod" || (output.composer_protection.deletion_policy == "PREVENT" && output.cloudbuild_triggers["deploy"].approval_required && output.cloudbuild_triggers["deploy"].push_tag != null)
    error_message = "prod must refuse to destroy its environment and deploy only approved release tags."
  }

  assert {
    condition     = output.cloudbuild_triggers["deploy"].substitutions["_DEPLOY_REF"] == coalesce(var.cloudbuild_deploy.branch, var.cloudbuild_deploy.tag) && output.cloudbuild_triggers["deploy"].substitutions["_ENVIRONMENT"] == var.environment
    error_message = "The deploy trigger passes its own branch or tag regex and the environment to the build."
  }
}
