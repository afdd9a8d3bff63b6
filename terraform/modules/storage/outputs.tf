output "data_bucket" {
  description = "Name of the data bucket (training data, evaluation reports)."
  value       = google_storage_bucket.data.name
}

output "data_bucket_url" {
  description = "gs:// URL of the data bucket."
  value       = google_storage_bucket.data.url
}

output "log_bucket" {
  description = "Name of the bucket holding the data bucket's usage logs; null without usage_logs."
  value       = one(google_storage_bucket.logs[*].name)
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}."
  value = [
    for g in google_storage_bucket_iam_member.log_writer :
    { scope = "bucket", resource = g.bucket, role = g.role, member = g.member }
  ]
}
