# The two Cloud Build triggers: what they fire on, who they run as, what they pass cloudbuild.yaml.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "default_branch_deploy" {
  assert {
    condition     = output.cloudbuild_triggers["test"].substitutions["_DEPLOY"] == "false" && output.cloudbuild_triggers["deploy"].substitutions["_DEPLOY"] == "true"
    error_message = "Pull requests must only test (_DEPLOY=false); the deploy trigger deploys (_DEPLOY=true)."
  }

  assert {
    condition = alltrue([for t in values(output.cloudbuild_triggers) : t.substitutions == tomap({
      _DEPLOY          = t.substitutions["_DEPLOY"]
      _DEPLOY_REF      = "^main$"
      _ENVIRONMENT     = "dev"
      _RELEASE_BRANCH  = "main"
      _DAGS_PREFIX     = "gs://us-central1-genops-abc-bucket/dags"
      _COMPOSER_ENV    = "genops-dev"
      _COMPOSER_REGION = "us-central1"
    })])
    error_message = "Both triggers pass exactly what cloudbuild.yaml reads: the deploy ref, environment, release branch, DAG prefix, environment name and region."
  }

  assert {
    condition = (
      output.cloudbuild_triggers["deploy"].push_branch == "^main$" && output.cloudbuild_triggers["deploy"].push_tag == null &&
      output.cloudbuild_triggers["test"].pull_request_branch == ".*" && output.cloudbuild_triggers["test"].push_branch == null &&
      !output.cloudbuild_triggers["deploy"].approval_required
    )
    error_message = "By default the deploy trigger fires on pushes to main, without approval; the test trigger on pull requests."
  }

  assert {
    condition = (
      output.cloudbuild_triggers["test"].service_account == "projects/acme-genops-dev/serviceAccounts/genops-dev-test@acme-genops-dev.iam.gserviceaccount.com" &&
      output.cloudbuild_triggers["deploy"].service_account == "projects/acme-genops-dev/serviceAccounts/genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
    )
    error_message = "Pull request builds run as the test account, deploy builds as the deploy account, each by its full id."
  }
}

# The prod shape: release tags, approval, another release branch and environment; every value reaches the build.
run "release_tags_with_approval" {
  variables {
    environment               = "prod"
    cloudbuild_deploy         = { tag = "^v[0-9]+\\.[0-9]+\\.[0-9]+$", require_approval = true }
    cloudbuild_release_branch = "release"
  }

  assert {
    condition = (
      output.cloudbuild_triggers["deploy"].push_tag == var.cloudbuild_deploy.tag && output.cloudbuild_triggers["deploy"].push_branch == null &&
      output.cloudbuild_triggers["deploy"].approval_required && !output.cloudbuild_triggers["test"].approval_required
    )
    error_message = "A tag deploy fires on the tag regex only, and waits for approval."
  }

  assert {
    condition = alltrue([for t in values(output.cloudbuild_triggers) : (
      t.substitutions["_DEPLOY_REF"] == var.cloudbuild_deploy.tag &&
      t.substitutions["_RELEASE_BRANCH"] == "release" &&
      t.substitutions["_ENVIRONMENT"] == "prod" &&
      t.substitutions["_COMPOSER_ENV"] == "genops-prod"
    )])
    error_message = "Both triggers pass the tag regex as _DEPLOY_REF, the release branch and the environment; got ${jsonencode(output.cloudbuild_triggers["deploy"].substitutions)}."
  }
}

run "another_deploy_branch_reaches_the_build" {
  variables {
    cloudbuild_deploy              = { branch = "^release/.+$" }
    cloudbuild_pull_request_branch = "^(main|release/.+)$"
  }

  assert {
    condition = (
      output.cloudbuild_triggers["deploy"].push_branch == "^release/.+$" &&
      output.cloudbuild_triggers["deploy"].substitutions["_DEPLOY_REF"] == "^release/.+$" &&
      output.cloudbuild_triggers["test"].pull_request_branch == "^(main|release/.+)$"
    )
    error_message = "A non-default deploy branch must be both the trigger's filter and the build's _DEPLOY_REF."
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
