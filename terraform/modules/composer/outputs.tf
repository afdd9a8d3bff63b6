output "name" {
  description = "Environment name."
  value       = google_composer_environment.this.name
}

output "id" {
  description = "Environment id, `projects/<p>/locations/<region>/environments/<name>`."
  value       = google_composer_environment.this.id
}

output "airflow_uri" {
  description = "URI of the Airflow UI."
  value       = google_composer_environment.this.config[0].airflow_uri
}

output "dag_gcs_prefix" {
  description = "gs:// prefix DAG files are deployed to, e.g. gs://<region>-<name>-<id>-bucket/dags."
  value       = google_composer_environment.this.config[0].dag_gcs_prefix
}

output "service_account" {
  description = "Email of the account the environment runs as."
  value       = google_composer_environment.this.config[0].node_config[0].service_account
}

output "image_version" {
  description = "Composer image the environment runs."
  value       = google_composer_environment.this.config[0].software_config[0].image_version
}

output "env_variables" {
  description = "Environment variables set on Airflow: every GENOPS_ setting the DAGs read."
  value       = google_composer_environment.this.config[0].software_config[0].env_variables
}

output "airflow_config_overrides" {
  description = "Airflow configuration overrides in effect (platform defaults merged with the caller's)."
  value       = google_composer_environment.this.config[0].software_config[0].airflow_config_overrides
}

output "enable_private_environment" {
  description = "Whether Airflow components run without external IP addresses."
  value       = google_composer_environment.this.config[0].enable_private_environment
}

output "deletion_policy" {
  description = "The environment's deletion_policy: PREVENT, or null when Terraform may destroy it."
  value       = google_composer_environment.this.deletion_policy
}

output "shared_vpc_host_project" {
  description = "Project of the Shared VPC network the environment uses (the Composer agent got roles/composer.sharedVpcAgent there), or null."
  value       = local.shared_vpc_host
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}: the Shared VPC host project's grant to the Composer agent, if any."
  value = [
    for g in google_project_iam_member.shared_vpc_agent :
    { scope = "project", resource = g.project, role = g.role, member = g.member }
  ]
}
