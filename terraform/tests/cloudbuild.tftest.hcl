# The two Cloud Build triggers and where their repository comes from.

mock_provider "google" {
  source = "./tests/mocks"
}

run "github_triggers" {
  assert {
    condition     = module.cloudbuild.substitutions["test"]["_DEPLOY"] == "false" && module.cloudbuild.substitutions["deploy"]["_DEPLOY"] == "true"
    error_message = "Pull requests must only test (_DEPLOY=false); pushes to main must deploy (_DEPLOY=true)."
  }

  assert {
    condition = alltrue([for s in values(module.cloudbuild.substitutions) : (
      s["_DAGS_PREFIX"] == "gs://us-central1-genops-abc-bucket/dags" &&
      s["_COMPOSER_ENV"] == "genops-dev" &&
      s["_COMPOSER_REGION"] == "us-central1"
    )])
    error_message = "Both triggers must pass the DAG prefix, environment name and region."
  }

  assert {
    condition     = length(output.cloudbuild_trigger_ids) == 2
    error_message = "There must be a test and a deploy trigger."
  }
}

run "second_generation_repository" {
  command = plan

  variables {
    github_owner          = null
    github_repository     = null
    cloudbuild_repository = "projects/acme-genops-dev/locations/europe-west4/connections/github/repositories/acme-genops"
  }

  assert {
    condition     = module.cloudbuild.location == "europe-west4"
    error_message = "Triggers on a second-generation repository must live in the connection's region."
  }
}
