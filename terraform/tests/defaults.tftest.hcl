# A plan with nothing but the required inputs: the defaults alone must give a safe platform.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

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

  assert {
    condition     = output.composer_protection.deletion_policy == "PREVENT" && output.composer_protection.shared_vpc_host_project == null
    error_message = "By default Terraform must refuse to destroy the environment, and no Shared VPC is used."
  }
}

run "shared_vpc_network" {
  variables {
    composer_network    = "projects/acme-net-host/global/networks/shared"
    composer_subnetwork = "projects/acme-net-host/regions/us-central1/subnetworks/composer"
  }

  assert {
    condition     = output.composer_protection.shared_vpc_host_project == "acme-net-host"
    error_message = "A network in another project is a Shared VPC host."
  }

  assert {
    condition = [for g in output.iam_grants : "${g.resource} ${g.role} ${g.member}" if g.scope == "project" && g.resource != "acme-genops-dev"] == [
      "acme-net-host roles/composer.sharedVpcAgent serviceAccount:service-123456789012@cloudcomposer-accounts.iam.gserviceaccount.com"
    ]
    error_message = "With a Shared VPC, the created Composer agent gets roles/composer.sharedVpcAgent on the host project."
  }
}

run "network_attachment" {
  command = plan

  variables {
    composer_network_attachment = "projects/acme-genops-dev/regions/us-central1/networkAttachments/composer"
  }

  assert {
    condition     = output.composer_protection.shared_vpc_host_project == null
    error_message = "A network attachment needs no Shared VPC grant."
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
