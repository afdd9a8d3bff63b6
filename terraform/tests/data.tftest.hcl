# The data bucket, its log bucket and the evaluations table.

mock_provider "google" {
  source = "./tests/mocks"
}

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
    condition     = output.data_bucket == "acme-genops-dev-genops-dev-data" && output.access_log_bucket == "acme-genops-dev-genops-dev-access-logs"
    error_message = "Bucket names must be <project>-<name>-<environment>-data and -access-logs."
  }
}
