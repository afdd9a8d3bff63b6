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
  description = "Bucket receiving the data bucket's usage logs; null unless storage_usage_logs."
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
  description = "Emails of the accounts the platform runs as: composer (environment and DAG tasks), deploy (deploy builds) and test (pull request builds)."
  value       = module.service_accounts.emails
}

output "service_agents" {
  description = "IAM members of the service agents this blueprint created before granting them a role (composer; with CMEK also the agents Composer's CMEK page lists)."
  value       = module.project_services.service_agents
}

output "cloudbuild_trigger_ids" {
  description = "Cloud Build trigger ids: test (pull requests) and deploy (pushes of the deploy branch or release tags)."
  value       = module.cloudbuild.trigger_ids
}

output "cloudbuild_triggers" {
  description = "What each trigger runs on and as: {service_account, substitutions, approval_required, pull_request_branch, push_branch, push_tag}."
  value       = module.cloudbuild.triggers
}

output "composer_protection" {
  description = "The environment's deletion_policy (PREVENT, or null when Terraform may destroy it) and Shared VPC host project (or null)."
  value       = { deletion_policy = module.composer.deletion_policy, shared_vpc_host_project = module.composer.shared_vpc_host_project }
}

output "genops_env_variables" {
  description = "The GENOPS_ variables set on Composer; `terraform output -json genops_env_variables` gives a local run the same values."
  value       = module.composer.env_variables
}

output "iam_grants" {
  description = "Every IAM grant the blueprint makes, as {scope, resource, role, member}: the least-privilege review in one list."
  value = concat(
    [for g in google_project_iam_member.identities : { scope = "project", resource = g.project, role = g.role, member = g.member }],
    [for g in google_storage_bucket_iam_member.identities : { scope = "bucket", resource = g.bucket, role = g.role, member = g.member }],
    [for g in google_bigquery_table_iam_member.identities : { scope = "table", resource = "${g.project}.${g.dataset_id}.${g.table_id}", role = g.role, member = g.member }],
    [module.service_accounts.composer_agent_grant],
    module.cmek.iam_grants,
    module.storage.iam_grants,
    module.composer.iam_grants,
    module.monitoring.iam_grants,
  )
}

output "bigquery_sample_tables" {
  description = "Fully qualified tables of the sample DAGs, `<project>.<dataset>.<table>`, by name (customer_feedback, video_scenes)."
  value       = { for key, table in module.bigquery.sample_tables : key => table.fqn }
}
