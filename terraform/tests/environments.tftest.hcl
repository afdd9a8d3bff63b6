# Plans one environment's settings: scripts/check_terraform.sh runs this file again with each
# environments/*.tfvars (-var-file), so a bad value there fails the check, not the first apply.

mock_provider "google" {
  source = "./tests/mocks"
}

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
}
