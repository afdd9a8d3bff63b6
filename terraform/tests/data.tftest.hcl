# The data bucket, its log bucket and the evaluations table.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "table_follows_the_shared_schema" {
  command = plan

  assert {
    condition     = jsondecode(module.bigquery.table.schema) == jsondecode(file("../dags/genops/schemas/model_evaluations.json"))
    error_message = "The table schema must be dags/genops/schemas/model_evaluations.json."
  }

  assert {
    condition     = module.bigquery.table.partition_type == "DAY" && module.bigquery.table.partition_field == "evaluation_date"
    error_message = "The table must be partitioned by evaluation_date, daily."
  }

  assert {
    condition     = module.bigquery.table.clustering == tolist(["model_config", "model"])
    error_message = "The table must be clustered by model_config, then model."
  }
}

run "buckets" {
  assert {
    condition     = output.data_bucket == "acme-genops-dev-genops-dev-data" && output.access_log_bucket == null
    error_message = "The data bucket is <project>-<name>-<environment>-data; the usage-log bucket exists only with storage_usage_logs."
  }
}

run "usage_log_bucket" {
  variables {
    storage_usage_logs = true
  }

  assert {
    condition     = output.access_log_bucket == "acme-genops-dev-genops-dev-access-logs"
    error_message = "With storage_usage_logs the log bucket is <project>-<name>-<environment>-access-logs."
  }
}
