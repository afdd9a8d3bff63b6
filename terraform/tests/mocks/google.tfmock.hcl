# Shared mocks for terraform test: realistic values for the computed attributes the blueprint
# parses or passes on (project number, the environment's DAG prefix, account emails).

mock_data "google_project" {
  defaults = {
    number = "123456789012"
  }
}

mock_data "google_storage_project_service_account" {
  defaults = {
    member = "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com"
  }
}

mock_data "google_bigquery_default_service_account" {
  defaults = {
    member = "serviceAccount:bq-123456789012@bigquery-encryption.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.composer.google_composer_environment.this
  values = {
    config = {
      dag_gcs_prefix = "gs://us-central1-genops-abc-bucket/dags"
      airflow_uri    = "https://0123456789abcdef-dot-us-central1.composer.googleusercontent.com"
    }
  }
}

override_resource {
  target = module.service_accounts.google_service_account.this["composer"]
  values = {
    email  = "genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
    member = "serviceAccount:genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
    id     = "projects/acme-genops-dev/serviceAccounts/genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
    name   = "projects/acme-genops-dev/serviceAccounts/genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.service_accounts.google_service_account.this["cloudbuild"]
  values = {
    email  = "genops-dev-cloudbuild@acme-genops-dev.iam.gserviceaccount.com"
    member = "serviceAccount:genops-dev-cloudbuild@acme-genops-dev.iam.gserviceaccount.com"
    id     = "projects/acme-genops-dev/serviceAccounts/genops-dev-cloudbuild@acme-genops-dev.iam.gserviceaccount.com"
    name   = "projects/acme-genops-dev/serviceAccounts/genops-dev-cloudbuild@acme-genops-dev.iam.gserviceaccount.com"
  }
}
