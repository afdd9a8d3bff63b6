locals {
  # One identity per job. Their roles are granted in the root module's iam.tf, one table for all of
  # them, which tests/terraform/test_iam_proof.py proves against what the wire tests observe.
  accounts = {
    composer = {
      display_name = "GenOps Composer environment"
      description  = "Runs the Composer 3 environment and its DAG tasks (Vertex AI, BigQuery, GCS)."
    }
    deploy = {
      display_name = "GenOps DAG deployment builds"
      description  = "Runs the deploy trigger's builds: syncs dags/ to the environment's bucket and checks the DAGs import."
    }
    test = {
      display_name = "GenOps pull request builds"
      description  = "Runs pull request builds: tests only, no access to any environment or bucket."
    }
  }
}

resource "google_service_account" "this" {
  for_each = local.accounts

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value.display_name
  description  = each.value.description
}

# Composer 2 and later need their service agent to bind workload identity on the environment's
# account. Granted on that account alone instead of the project-wide grant the docs show, to the agent
# modules/project_services created (var.composer_service_agent is that resource's member).
resource "google_service_account_iam_member" "composer_agent" {
  service_account_id = google_service_account.this["composer"].name
  role               = "roles/composer.ServiceAgentV2Ext"
  member             = var.composer_service_agent
}
