locals {
  # Project scope only where the resource has no narrower IAM: bucket and dataset grants live
  # with those resources (storage, bigquery and cloudbuild modules).
  accounts = {
    composer = {
      display_name = "GenOps Composer environment"
      description  = "Runs the Composer 3 environment and its DAG tasks (Vertex AI, BigQuery, GCS)."
      project_roles = [
        "roles/composer.worker",  # run the environment's workloads
        "roles/aiplatform.user",  # generation, tuning and evaluation calls
        "roles/bigquery.jobUser", # run load and query jobs; data access is granted on the dataset only
      ]
    }
    cloudbuild = {
      display_name = "GenOps Cloud Build"
      description  = "Runs the test and DAG deployment builds."
      project_roles = [
        "roles/logging.logWriter", # write build logs (builds with a user-managed account log to Cloud Logging)
        "roles/composer.user",     # the verify step lists the environment's DAG import errors
      ]
    }
  }

  # Only with var.search_grounding: the grounded_gemini sample searches a Vertex AI Search data store
  # (data stores have no IAM of their own, so the project is the narrowest scope).
  search_grants = var.search_grounding ? {
    "composer roles/discoveryengine.viewer" = { account = "composer", role = "roles/discoveryengine.viewer" }
  } : {}

  project_grants = merge(local.search_grants, [
    for account, spec in local.accounts : {
      for role in spec.project_roles : "${account} ${role}" => { account = account, role = role }
    }
  ]...)
}

resource "google_service_account" "this" {
  for_each = local.accounts

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value.display_name
  description  = each.value.description
}

resource "google_project_iam_member" "this" {
  for_each = local.project_grants

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.this[each.value.account].member
}

# Composer 2 and later need the service agent to bind workload identity on the environment's
# account. Granted on that account alone instead of the project-wide grant the docs show.
resource "google_service_account_iam_member" "composer_agent" {
  service_account_id = google_service_account.this["composer"].name
  role               = "roles/composer.ServiceAgentV2Ext"
  member             = "serviceAccount:${var.composer_service_agent}"
}
