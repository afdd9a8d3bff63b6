# google_project_service_identity returns the agent's email and member; realistic ones per service.

mock_resource "google_project_service_identity" {
  defaults = {
    email  = "service-123456789012@gcp-sa-unknown.iam.gserviceaccount.com"
    member = "serviceAccount:service-123456789012@gcp-sa-unknown.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.project_services.google_project_service_identity.this["composer"]
  values = {
    email  = "service-123456789012@cloudcomposer-accounts.iam.gserviceaccount.com"
    member = "serviceAccount:service-123456789012@cloudcomposer-accounts.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.project_services.google_project_service_identity.this["artifactregistry"]
  values = {
    member = "serviceAccount:service-123456789012@gcp-sa-artifactregistry.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.project_services.google_project_service_identity.this["compute"]
  values = {
    member = "serviceAccount:service-123456789012@compute-system.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.project_services.google_project_service_identity.this["container"]
  values = {
    member = "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com"
  }
}

override_resource {
  target = module.project_services.google_project_service_identity.this["pubsub"]
  values = {
    member = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"
  }
}
