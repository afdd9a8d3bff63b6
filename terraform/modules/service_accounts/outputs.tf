output "emails" {
  description = "Account emails by job (composer, deploy, test)."
  value       = { for k, sa in google_service_account.this : k => sa.email }
}

output "members" {
  description = "IAM members (`serviceAccount:<email>`) by job, for grants."
  value       = { for k, sa in google_service_account.this : k => sa.member }
}

output "ids" {
  description = "Fully qualified account ids (`projects/<p>/serviceAccounts/<email>`) by job, as Cloud Build triggers expect."
  value       = { for k, sa in google_service_account.this : k => sa.id }
}

output "composer_agent_grant" {
  description = "The Composer service agent's grant on the environment account, as {scope, resource, role, member}; the environment must wait for it."
  value = {
    scope    = "service_account"
    resource = google_service_account_iam_member.composer_agent.service_account_id
    role     = google_service_account_iam_member.composer_agent.role
    member   = google_service_account_iam_member.composer_agent.member
  }
}
