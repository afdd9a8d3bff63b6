# Development: small, cheap to run, easy to tear down.
#   terraform plan -var-file=environments/dev.tfvars -var=project_id=<your-dev-project>
environment = "dev"
region      = "us-central1"

github_owner      = "acme"   # your GitHub organization or user
github_repository = "genops" # connected to Cloud Build through the GitHub App

labels = {
  cost_center = "ml-platform"
}

composer_environment_size = "ENVIRONMENT_SIZE_SMALL"
composer_deletion_policy  = "DELETE" # a throwaway environment Terraform may replace

# Deploys every push to main (the build's _DEPLOY_REF).
cloudbuild_deploy = { branch = "^main$" }

# Throwaway data; the evaluations table stays protected unless deletion_protection = false.
data_bucket_force_destroy = true
storage_lifecycle         = { reports_nearline_after_days = 30 }
