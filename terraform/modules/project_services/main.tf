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
  services = toset(concat(local.core_services, var.additional_services))

  # Google-managed service agents, named by project number. The GA provider has no
  # google_project_service_identity, so the addresses are derived rather than created.
  project_number = data.google_project.this.number
  service_agents = {
    aiplatform = "service-${local.project_number}@gcp-sa-aiplatform.iam.gserviceaccount.com"
    cloudbuild = "service-${local.project_number}@gcp-sa-cloudbuild.iam.gserviceaccount.com"
    composer   = "service-${local.project_number}@cloudcomposer-accounts.iam.gserviceaccount.com"
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "this" {
  for_each = local.services

  project = var.project_id
  service = each.value

  # Other workloads in the project may use these APIs: destroying the blueprint must not turn them off.
  disable_on_destroy         = false
  disable_dependent_services = false
}
