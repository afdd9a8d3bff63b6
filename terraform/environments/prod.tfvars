# Production: multi-zone Composer, more headroom, nothing deleted by accident.
#   terraform plan -var-file=environments/prod.tfvars -var=project_id=<your-prod-project>
environment = "prod"
region      = "us-central1"

github_owner      = "acme"
github_repository = "genops"

labels = {
  cost_center = "ml-platform"
  criticality = "high"
}

composer_environment_size = "ENVIRONMENT_SIZE_MEDIUM"
composer_resilience_mode  = "HIGH_RESILIENCE"
composer_workloads = {
  scheduler     = { cpu = 1, memory_gb = 4, storage_gb = 1, count = 2 }
  triggerer     = { cpu = 0.5, memory_gb = 1, count = 2 }
  dag_processor = { cpu = 1, memory_gb = 4, storage_gb = 1, count = 2 }
  web_server    = { cpu = 1, memory_gb = 4, storage_gb = 1 }
  worker        = { cpu = 1, memory_gb = 4, storage_gb = 10, min_count = 2, max_count = 6 }
}

# Customer-managed encryption (create the key first; see terraform/README.md#customer-managed-encryption-cmek).
# kms_key_name = "projects/acme-kms/locations/us-central1/keyRings/genops/cryptoKeys/genops-prod"

# Deploys release tags only (vX.Y.Z on a commit of main), each after an approval.
cloudbuild_deploy         = { tag = "^v[0-9]+\\.[0-9]+\\.[0-9]+$", require_approval = true }
cloudbuild_release_branch = "main"

# Nothing deleted by accident: Terraform refuses to destroy or replace the environment and the tables.
composer_deletion_policy  = "PREVENT"
data_bucket_force_destroy = false
deletion_protection       = true
storage_lifecycle         = { access_logs_retention_days = 400 }
