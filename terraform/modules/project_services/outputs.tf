output "project_id" {
  description = "The project id, available once every API is enabled (depend on it to order API calls)."
  value       = var.project_id
  depends_on  = [google_project_service.this]
}

output "project_number" {
  description = "The project number."
  value       = local.project_number
}

output "services" {
  description = "Every API this module enables."
  value       = sort(keys(google_project_service.this))
}

output "service_agents" {
  description = "Emails of the Google-managed service agents the platform grants roles to (aiplatform, cloudbuild, composer), available once the APIs are enabled."
  value       = local.service_agents
  depends_on  = [google_project_service.this]
}
