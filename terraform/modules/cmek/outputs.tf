output "kms_key_name" {
  description = "The key, available once every service agent may use it (null without CMEK): pass this, not the input, to the buckets, the dataset and the environment so each waits for its grant."
  value       = var.kms_key_name
  depends_on  = [google_kms_crypto_key_iam_member.agents]
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}."
  value = [
    for g in google_kms_crypto_key_iam_member.agents :
    { scope = "kms_key", resource = g.crypto_key_id, role = g.role, member = g.member }
  ]
}
