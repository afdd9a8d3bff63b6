# A plan with nothing but the required inputs: the defaults alone must give a safe platform.

mock_provider "google" {
  source = "./tests/mocks"
}

run "plan_with_defaults" {
  command = plan

  assert {
    condition     = module.composer.image_version == "composer-3-airflow-3.2.2-build.5"
    error_message = "The default Composer image must be composer-3-airflow-3.2.2-build.5."
  }

  assert {
    condition     = module.composer.enable_private_environment == true
    error_message = "The environment must be private by default."
  }

  assert {
    condition     = module.bigquery.table.deletion_protection == true
    error_message = "The evaluations table must be protected from deletion by default."
  }

  assert {
    condition = alltrue([for api in [
      "aiplatform", "bigquery", "cloudbuild", "cloudresourcemanager", "composer",
      "iam", "logging", "monitoring", "serviceusage", "storage",
    ] : contains(module.project_services.services, "${api}.googleapis.com")])
    error_message = "Every API the platform calls must be enabled."
  }

  assert {
    condition     = module.cloudbuild.location == "global"
    error_message = "GitHub App triggers must be global."
  }
}

run "additional_services_are_enabled" {
  command = plan

  variables {
    additional_services = ["discoveryengine.googleapis.com", "videointelligence.googleapis.com"]
  }

  assert {
    condition     = contains(module.project_services.services, "discoveryengine.googleapis.com") && contains(module.project_services.services, "videointelligence.googleapis.com")
    error_message = "additional_services must be enabled next to the platform's APIs."
  }
}
