output "emails" {
  description = "Account emails by purpose (composer, cloudbuild), available once their project roles are granted."
  value       = { for k, sa in google_service_account.this : k => sa.email }
  depends_on  = [google_project_iam_member.this, google_service_account_iam_member.composer_agent]
}

output "members" {
  description = "IAM members (`serviceAccount:<email>`) by purpose, for resource-level grants."
  value       = { for k, sa in google_service_account.this : k => sa.member }
}

output "ids" {
  description = "Fully qualified account ids (`projects/<p>/serviceAccounts/<email>`) by purpose, as Cloud Build triggers expect."
  value       = { for k, sa in google_service_account.this : k => sa.id }
  depends_on  = [google_project_iam_member.this]
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}."
  value = concat(
    [for g in google_project_iam_member.this : { scope = "project", resource = g.project, role = g.role, member = g.member }],
    [{
      scope    = "service_account"
      resource = google_service_account_iam_member.composer_agent.service_account_id
      role     = google_service_account_iam_member.composer_agent.role
      member   = google_service_account_iam_member.composer_agent.member
    }],
  )
}
