locals {
  # What Composer, the DAGs (Vertex AI, BigQuery, GCS) and the Cloud Build pipeline call.
  core_services = [
    "aiplatform.googleapis.com",
    "bigquery.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "composer.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "serviceusage.googleapis.com",
    "storage.googleapis.com",
  ]
  services = toset(concat(local.core_services, values(var.cmek_service_agents), var.additional_services))
}

# Google creates most service agents lazily, on the first call that needs one, so granting a role to
# `service-<number>@...` right after enabling the API fails with "service account ... does not exist".
# Each agent the platform grants a role to is created here first, and its email comes from the result.
# google-beta: the GA provider has no google_project_service_identity (services.generateServiceIdentity).
resource "google_project_service_identity" "this" {
  provider = google-beta
  for_each = merge({ composer = "composer.googleapis.com" }, var.cmek_service_agents)

  project = var.project_id
  service = each.value

  depends_on = [google_project_service.this]
}

resource "google_project_service" "this" {
  for_each = local.services

  project = var.project_id
  service = each.value

  # Other workloads in the project may use these APIs: destroying the blueprint must not turn them off.
  disable_on_destroy         = false
  disable_dependent_services = false
}
