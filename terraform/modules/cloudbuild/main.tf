locals {
  # Each trigger carries exactly one of the events its repository block accepts, and runs as its own
  # identity: pull requests (any contributor's code) as the test account, which can reach no environment
  # or bucket; pushes to the deploy branch or release tags as the deploy account.
  deploy_ref = coalesce(var.deploy.branch, var.deploy.tag)
  triggers = {
    test = {
      description      = "Pull requests into ${var.pull_request.branch}: run the tests."
      deploy           = false
      service_account  = var.service_accounts.test
      require_approval = false
      pull_request     = [var.pull_request]
      push             = []
    }
    deploy = {
      description      = "Pushes of ${var.deploy.branch != null ? "branch ${var.deploy.branch}" : "tag ${var.deploy.tag}"}: run the tests, then deploy the DAGs to ${var.composer_environment_name}."
      deploy           = true
      service_account  = var.service_accounts.deploy
      require_approval = var.deploy.require_approval
      pull_request     = []
      push             = [{ branch = var.deploy.branch, tag = var.deploy.tag }]
    }
  }

  # Second-generation repositories are regional and their triggers must live in that region.
  location = var.repository_id == null ? "global" : split("/", var.repository_id)[3]
}

resource "google_cloudbuild_trigger" "this" {
  for_each = local.triggers

  project         = var.project_id
  location        = local.location
  name            = "${var.name_prefix}-${each.key}"
  description     = each.value.description
  filename        = var.build_config_file
  service_account = each.value.service_account
  tags            = ["genops", each.key]

  # What cloudbuild.yaml reads; tests/test_contract.py keeps the two in step.
  substitutions = {
    _DEPLOY          = tostring(each.value.deploy)
    _DEPLOY_REF      = local.deploy_ref
    _ENVIRONMENT     = var.environment
    _RELEASE_BRANCH  = var.release_branch
    _DAGS_PREFIX     = var.dag_gcs_prefix
    _COMPOSER_ENV    = var.composer_environment_name
    _COMPOSER_REGION = var.composer_region
  }

  approval_config {
    approval_required = each.value.require_approval
  }

  dynamic "github" {
    for_each = var.github == null ? [] : [var.github]
    content {
      owner = github.value.owner
      name  = github.value.name

      dynamic "pull_request" {
        for_each = each.value.pull_request
        content {
          branch          = pull_request.value.branch
          comment_control = pull_request.value.comment_control
        }
      }
      dynamic "push" {
        for_each = each.value.push
        content {
          branch = push.value.branch
          tag    = push.value.tag
        }
      }
    }
  }

  dynamic "repository_event_config" {
    for_each = var.repository_id == null ? [] : [var.repository_id]
    content {
      repository = repository_event_config.value

      dynamic "pull_request" {
        for_each = each.value.pull_request
        content {
          branch          = pull_request.value.branch
          comment_control = pull_request.value.comment_control
        }
      }
      dynamic "push" {
        for_each = each.value.push
        content {
          branch = push.value.branch
          tag    = push.value.tag
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = (var.github == null) != (var.repository_id == null)
      error_message = "Give the triggers one repository: either github (owner and name) or repository_id, not both or neither."
    }
  }
}
