# Least privilege: which roles each identity holds, and on what.

mock_provider "google" {
  source = "./tests/mocks"
}

run "grants" {
  assert {
    condition     = length([for g in output.iam_grants : g if contains(["roles/owner", "roles/editor", "roles/viewer"], g.role)]) == 0
    error_message = "No owner, editor or viewer role may be granted anywhere."
  }

  assert {
    condition = toset([
      for g in output.iam_grants : g.role if g.scope == "project" && g.member == "serviceAccount:${output.service_accounts["composer"]}"
    ]) == toset(["roles/composer.worker", "roles/aiplatform.user", "roles/bigquery.jobUser"])
    error_message = "The Composer account's project roles must be exactly composer.worker, aiplatform.user and bigquery.jobUser."
  }

  assert {
    condition = toset([
      for g in output.iam_grants : g.role if g.scope == "project" && g.member == "serviceAccount:${output.service_accounts["cloudbuild"]}"
    ]) == toset(["roles/logging.logWriter", "roles/composer.user"])
    error_message = "The Cloud Build account's project roles must be exactly logging.logWriter and composer.user."
  }

  assert {
    condition = [
      for g in output.iam_grants : "${g.scope}:${g.resource}" if g.role == "roles/storage.objectAdmin" && g.member == "serviceAccount:${output.service_accounts["composer"]}"
    ] == ["bucket:${output.data_bucket}"]
    error_message = "The Composer account's objectAdmin must be on the data bucket only."
  }

  assert {
    condition = [
      for g in output.iam_grants : "${g.scope}:${g.resource}" if g.role == "roles/bigquery.dataEditor"
    ] == ["dataset:acme-genops-dev.genops"]
    error_message = "bigquery.dataEditor must be granted on the evaluations dataset only."
  }

  assert {
    condition = [
      for g in output.iam_grants : "${g.scope}:${g.resource}:${g.role}" if g.member == "serviceAccount:${output.vertex_ai_service_agent}"
    ] == ["bucket:${output.data_bucket}:roles/storage.objectViewer"]
    error_message = "The Vertex AI service agent must only read the data bucket."
  }

  assert {
    condition     = output.vertex_ai_service_agent == "service-123456789012@gcp-sa-aiplatform.iam.gserviceaccount.com"
    error_message = "The Vertex AI service agent must be derived from the project number."
  }

  assert {
    condition = [
      for g in output.iam_grants : "${g.scope}:${g.resource}:${g.role}" if g.member == "serviceAccount:${output.service_accounts["cloudbuild"]}" && g.scope != "project"
    ] == ["bucket:us-central1-genops-abc-bucket:roles/storage.objectAdmin"]
    error_message = "Cloud Build's objectAdmin must be on the environment's bucket parsed from dag_gcs_prefix, and nowhere else."
  }

  assert {
    condition     = length([for g in output.iam_grants : g if g.scope == "project" && (startswith(g.role, "roles/storage.") || startswith(g.role, "roles/bigquery.data"))]) == 0
    error_message = "Storage and BigQuery data roles must never be granted on the project."
  }

  assert {
    condition     = length([for g in output.iam_grants : g if g.scope == "kms_key"]) == 0
    error_message = "Without kms_key_name no key grants are made."
  }
}

run "cmek_grants_only_the_service_agents_that_need_the_key" {
  variables {
    kms_key_name = "projects/acme-kms/locations/us-central1/keyRings/genops/cryptoKeys/genops-dev"
  }

  assert {
    condition = toset([for g in output.iam_grants : "${g.resource} ${g.role} ${g.member}" if g.scope == "kms_key"]) == toset([
      for agent in ["service-123456789012@gs-project-accounts", "bq-123456789012@bigquery-encryption"] :
      "${var.kms_key_name} roles/cloudkms.cryptoKeyEncrypterDecrypter serviceAccount:${agent}.iam.gserviceaccount.com"
    ])
    error_message = "With CMEK, the Cloud Storage and BigQuery service agents (and nothing else) get encrypt/decrypt on the key."
  }
}
