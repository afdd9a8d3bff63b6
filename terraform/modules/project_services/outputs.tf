output "project_id" {
  description = "The project id, available once every API is enabled (depend on it to order API calls)."
  value       = var.project_id
  depends_on  = [google_project_service.this]
}

output "services" {
  description = "Every API this module enables."
  value       = sort(keys(google_project_service.this))
}

output "service_agents" {
  description = "IAM members (`serviceAccount:<email>`) of the service agents this module created, by short name (composer, and each of cmek_service_agents); each exists once its value is known."
  value       = { for k, agent in google_project_service_identity.this : k => agent.member }
}
