# Shared mocks for terraform test: realistic values for the computed attributes the blueprint
# parses or passes on (project number, the environment's DAG prefix, account emails).

mock_data "google_composer_image_versions" {
  defaults = {
    image_versions = [
      { image_version_id = "composer-3-airflow-3.2.2-build.5", supported_python_versions = ["3.11"] },
      { image_version_id = "composer-3-airflow-2.11.1-build.5", supported_python_versions = ["3.11"] },
      { image_version_id = "composer-2.16.1-airflow-2.10.5", supported_python_versions = ["3.11"] },
    ]
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
  target = module.service_accounts.google_service_account.this["deploy"]
  values = {
    email  = "genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
    member = "serviceAccount:genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
    id     = "projects/acme-genops-dev/serviceAccounts/genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
    name   = "projects/acme-genops-dev/serviceAccounts/genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.service_accounts.google_service_account.this["test"]
  values = {
    email  = "genops-dev-test@acme-genops-dev.iam.gserviceaccount.com"
    member = "serviceAccount:genops-dev-test@acme-genops-dev.iam.gserviceaccount.com"
    id     = "projects/acme-genops-dev/serviceAccounts/genops-dev-test@acme-genops-dev.iam.gserviceaccount.com"
    name   = "projects/acme-genops-dev/serviceAccounts/genops-dev-test@acme-genops-dev.iam.gserviceaccount.com"
  }
}

override_resource {
  target = google_project_iam_custom_role.this["deploy_dags"]
  values = {
    name = "projects/acme-genops-dev/roles/genops_dev_deploy_dags"
  }
}

override_resource {
  target = google_project_iam_custom_role.this["deploy_check"]
  values = {
    name = "projects/acme-genops-dev/roles/genops_dev_deploy_check"
  }
}

override_resource {
  target = google_project_iam_custom_role.this["table_writer"]
  values = {
    name = "projects/acme-genops-dev/roles/genops_dev_table_writer"
  }
}
