locals {
  enabled = var.kms_key_name != null
}

# Reading these makes Google create the Cloud Storage and BigQuery service agents if they do not exist yet
# (the GA way to create them; the other agents come in through var.service_agents, already created).
data "google_storage_project_service_account" "this" {
  count   = local.enabled ? 1 : 0
  project = var.project_id
}

data "google_bigquery_default_service_account" "this" {
  count   = local.enabled ? 1 : 0
  project = var.project_id
}

# A bucket, dataset or environment with a customer-managed key can only be created once every
# service agent that encrypts for it may use the key.
resource "google_kms_crypto_key_iam_member" "agents" {
  for_each = local.enabled ? toset(concat(["storage", "bigquery"], keys(var.service_agents))) : toset([])

  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member = merge(var.service_agents, {
    storage  = one(data.google_storage_project_service_account.this[*].member)
    bigquery = one(data.google_bigquery_default_service_account.this[*].member)
  })[each.key]
}
