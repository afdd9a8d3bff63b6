output "airflow_uri" {
  description = "URI of the Airflow UI."
  value       = module.composer.airflow_uri
}

output "composer_environment" {
  description = "Composer environment name and region, as `gcloud composer environments ... --location` expects."
  value       = { name = module.composer.name, region = var.region }
}

output "dag_gcs_prefix" {
  description = "gs:// prefix the DAGs are deployed to (the deploy build's _DAGS_PREFIX)."
  value       = module.composer.dag_gcs_prefix
}

output "data_bucket" {
  description = "Bucket for training data and evaluation reports (GENOPS_DATA_BUCKET)."
  value       = module.storage.data_bucket
}

output "access_log_bucket" {
  description = "Bucket receiving the data bucket's access logs."
  value       = module.storage.log_bucket
}

output "bigquery_dataset_id" {
  description = "Dataset of evaluation results (GENOPS_BQ_DATASET)."
  value       = module.bigquery.dataset_id
}

output "bigquery_table_id" {
  description = "Fully qualified evaluations table, `<project>.<dataset>.<table>`."
  value       = module.bigquery.table_fqn
}

output "bigquery_latest_scores_view" {
  description = "Fully qualified view of the latest evaluation per model configuration."
  value       = module.bigquery.view_fqn
}

output "service_accounts" {
  description = "Emails of the accounts the platform runs as: composer (environment and DAG tasks) and cloudbuild (test and deploy builds)."
  value       = module.service_accounts.emails
}

output "vertex_ai_service_agent" {
  description = "Vertex AI service agent, which reads the training data during tuning."
  value       = module.project_services.service_agents["aiplatform"]
}

output "cloudbuild_trigger_ids" {
  description = "Cloud Build trigger ids: test (pull requests) and deploy (pushes to the deploy branch)."
  value       = module.cloudbuild.trigger_ids
}

output "genops_env_variables" {
  description = "The GENOPS_ variables set on Composer; `terraform output -json genops_env_variables` gives a local run the same values."
  value       = module.composer.env_variables
}

output "iam_grants" {
  description = "Every IAM grant the blueprint makes, as {scope, resource, role, member}: the least-privilege review in one list."
  value = concat(
    module.service_accounts.iam_grants,
    module.cmek.iam_grants,
    module.storage.iam_grants,
    module.bigquery.iam_grants,
    module.cloudbuild.iam_grants,
    module.monitoring.iam_grants,
  )
}

output "bigquery_sample_tables" {
  description = "Fully qualified tables of the sample DAGs, `<project>.<dataset>.<table>`, by name (customer_feedback, video_scenes)."
  value       = { for key, table in module.bigquery.sample_tables : key => table.fqn }
}
