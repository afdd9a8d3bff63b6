locals {
  enabled = var.kms_key_name != null
}

# Reading these makes Google create the service agents if they do not exist yet.
data "google_storage_project_service_account" "this" {
  count   = local.enabled ? 1 : 0
  project = var.project_id
}

data "google_bigquery_default_service_account" "this" {
  count   = local.enabled ? 1 : 0
  project = var.project_id
}

# A bucket or dataset with a default key can only be created once its service agent may use the key.
resource "google_kms_crypto_key_iam_member" "agents" {
  for_each = local.enabled ? toset(["storage", "bigquery"]) : toset([])

  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member = {
    storage  = one(data.google_storage_project_service_account.this[*].member)
    bigquery = one(data.google_bigquery_default_service_account.this[*].member)
  }[each.key]
}
