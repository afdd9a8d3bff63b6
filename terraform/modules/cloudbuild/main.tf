locals {
  # Each trigger carries exactly one of the events its repository block accepts.
  triggers = {
    test = {
      description  = "Pull requests: run the tests."
      deploy       = false
      pull_request = [{ branch = var.pull_request_branch, comment_control = var.pull_request_comment_control }]
      push         = []
    }
    deploy = {
      description  = "Pushes to ${var.deploy_branch}: run the tests, then deploy the DAGs to Composer."
      deploy       = true
      pull_request = []
      push         = [{ branch = var.deploy_branch }]
    }
  }

  # Second-generation repositories are regional and their triggers must live in that region.
  location = var.repository_id == null ? "global" : split("/", var.repository_id)[3]

  # gs://<bucket>/dags -> <bucket>: the deploy build writes there and nowhere else.
  dags_bucket = split("/", trimprefix(var.dag_gcs_prefix, "gs://"))[0]
}

resource "google_cloudbuild_trigger" "this" {
  for_each = local.triggers

  project         = var.project_id
  location        = local.location
  name            = "${var.name_prefix}-${each.key}"
  description     = each.value.description
  filename        = var.build_config_file
  service_account = var.service_account_id
  tags            = ["genops", each.key]

  substitutions = {
    _DEPLOY          = tostring(each.value.deploy)
    _DAGS_PREFIX     = var.dag_gcs_prefix
    _COMPOSER_ENV    = var.composer_environment_name
    _COMPOSER_REGION = var.composer_region
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

resource "google_storage_bucket_iam_member" "dags" {
  bucket = local.dags_bucket
  role   = "roles/storage.objectAdmin"
  member = var.service_account_member

  lifecycle {
    precondition {
      condition     = can(regex("^gs://[a-z0-9][a-z0-9._-]+[a-z0-9]/", var.dag_gcs_prefix))
      error_message = "dag_gcs_prefix must look like gs://<bucket>/dags; got \"${var.dag_gcs_prefix}\"."
    }
  }
}
