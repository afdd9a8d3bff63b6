output "trigger_ids" {
  description = "Trigger ids by purpose (test, deploy)."
  value       = { for k, t in google_cloudbuild_trigger.this : k => t.trigger_id }
}

output "location" {
  description = "Location of the triggers (global for GitHub App repositories, the connection's region otherwise)."
  value       = local.location
}

output "triggers" {
  description = "What each trigger runs on and as, for tests and reviews: {service_account, substitutions, approval_required, pull_request_branch, push_branch, push_tag}."
  value = {
    for k, t in google_cloudbuild_trigger.this : k => {
      service_account     = t.service_account
      substitutions       = t.substitutions
      approval_required   = t.approval_config[0].approval_required
      pull_request_branch = one(local.triggers[k].pull_request[*].branch)
      push_branch         = one(local.triggers[k].push[*].branch)
      push_tag            = one(local.triggers[k].push[*].tag)
    }
  }
}
