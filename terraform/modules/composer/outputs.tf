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
