output "trigger_ids" {
  description = "Trigger ids by purpose (test, deploy)."
  value       = { for k, t in google_cloudbuild_trigger.this : k => t.trigger_id }
}

output "location" {
  description = "Location of the triggers (global for GitHub App repositories, the connection's region otherwise)."
  value       = local.location
}

output "dags_bucket" {
  description = "Bucket the deploy build writes DAGs to, parsed from dag_gcs_prefix."
  value       = google_storage_bucket_iam_member.dags.bucket
}

output "substitutions" {
  description = "Substitutions by trigger, as cloudbuild.yaml receives them."
  value       = { for k, t in google_cloudbuild_trigger.this : k => t.substitutions }
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}."
  value = [{
    scope    = "bucket"
    resource = google_storage_bucket_iam_member.dags.bucket
    role     = google_storage_bucket_iam_member.dags.role
    member   = google_storage_bucket_iam_member.dags.member
  }]
}
