# Least privilege: which roles each identity holds, and on what (the permissions behind them are proven
# in tests/terraform/test_iam_proof.py, on every IAM resource a mocked apply makes).

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

variables {
  composer = "serviceAccount:genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
  deploy   = "serviceAccount:genops-dev-deploy@acme-genops-dev.iam.gserviceaccount.com"
  test     = "serviceAccount:genops-dev-test@acme-genops-dev.iam.gserviceaccount.com"
  roles    = "projects/acme-genops-dev/roles/genops_dev_"
}

run "grants" {
  assert {
    condition     = length([for g in output.iam_grants : g if contains(["roles/owner", "roles/editor", "roles/viewer"], g.role)]) == 0
    error_message = "No owner, editor or viewer role may be granted anywhere."
  }

  assert {
    condition = toset([for g in output.iam_grants : "${g.scope} ${g.resource} ${g.role}" if g.member == var.composer]) == toset([
      "project acme-genops-dev roles/composer.worker",
      "project acme-genops-dev roles/aiplatform.user",
      "project acme-genops-dev roles/bigquery.jobUser",
      "bucket ${output.data_bucket} roles/storage.objectAdmin",
      "table ${output.bigquery_table_id} ${var.roles}table_writer",
      "table ${output.bigquery_sample_tables["customer_feedback"]} ${var.roles}table_writer",
      "table ${output.bigquery_sample_tables["video_scenes"]} ${var.roles}table_writer",
      "table ${output.monitoring.usage_table} ${var.roles}table_writer",
    ])
    error_message = "The Composer account holds composer.worker, aiplatform.user and bigquery.jobUser on the project, objectAdmin on the data bucket and only the table writer role on each table (no dataset role that could drop tables)."
  }

  assert {
    condition = toset([for g in output.iam_grants : "${g.scope} ${g.resource} ${g.role}" if g.member == var.deploy]) == toset([
      "project acme-genops-dev roles/logging.logWriter",
      "project acme-genops-dev ${var.roles}deploy_check",
      "bucket us-central1-genops-abc-bucket ${var.roles}deploy_dags",
    ])
    error_message = "The deploy account writes logs, reads the environment, and syncs the DAGs on the environment's bucket only."
  }

  assert {
    condition     = [for g in output.iam_grants : "${g.scope} ${g.role}" if g.member == var.test] == ["project roles/logging.logWriter"]
    error_message = "The pull request account may only write its build logs."
  }

  assert {
    condition     = one([for k, g in google_storage_bucket_iam_member.identities : g.condition[0].expression if startswith(k, "deploy ")]) == "resource.type == \"storage.googleapis.com/Bucket\" || resource.name.startsWith(\"projects/_/buckets/us-central1-genops-abc-bucket/objects/dags/\")"
    error_message = "The deploy grant must be limited to the bucket itself and objects under dags/ of the environment's bucket."
  }

  assert {
    condition = [for g in output.iam_grants : "${g.scope} ${g.role} ${g.member}" if g.scope == "service_account"] == [
      "service_account roles/composer.ServiceAgentV2Ext serviceAccount:service-123456789012@cloudcomposer-accounts.iam.gserviceaccount.com"
    ]
    error_message = "The Composer agent (the created identity) manages workload identity on the environment account only."
  }

  assert {
    condition     = length([for g in output.iam_grants : g if strcontains(g.member, "gcp-sa-aiplatform") || startswith(g.member, "group:") || startswith(g.member, "domain:")]) == 0
    error_message = "No grant to the Vertex AI agent (tuning runs as the tuning agent), and none to a group or domain outside the organization."
  }

  assert {
    condition     = length([for g in output.iam_grants : g if g.scope == "kms_key"]) == 0 && output.access_log_bucket == null
    error_message = "Without kms_key_name no key grants are made; without storage_usage_logs no log bucket."
  }

  assert {
    condition     = time_sleep.composer_iam.triggers["service_account_email"] == module.composer.service_account
    error_message = "The environment must get its account through the IAM propagation wait."
  }
}

run "cmek_grants_every_agent_the_composer_page_lists" {
  variables {
    kms_key_name = "projects/acme-kms/locations/us-central1/keyRings/genops/cryptoKeys/genops-dev"
  }

  assert {
    condition = toset([for g in output.iam_grants : "${g.resource} ${g.role} ${g.member}" if g.scope == "kms_key"]) == toset([
      for agent in [
        "service-123456789012@gs-project-accounts", "bq-123456789012@bigquery-encryption",
        "service-123456789012@cloudcomposer-accounts", "service-123456789012@gcp-sa-artifactregistry",
        "service-123456789012@compute-system", "service-123456789012@container-engine-robot",
        "service-123456789012@gcp-sa-pubsub",
      ] :
      "${var.kms_key_name} roles/cloudkms.cryptoKeyEncrypterDecrypter serviceAccount:${agent}.iam.gserviceaccount.com"
    ])
    error_message = "With CMEK, Cloud Storage, BigQuery, Composer, Artifact Registry, Compute Engine, GKE and Pub/Sub agents (and nothing else) get encrypt/decrypt on the key."
  }

  assert {
    condition     = alltrue([for api in ["artifactregistry", "compute", "container", "pubsub"] : contains(module.project_services.services, "${api}.googleapis.com")])
    error_message = "With CMEK, the APIs of the agents that need the key are enabled."
  }
}

run "usage_logs_opt_in" {
  variables {
    storage_usage_logs = true
  }

  assert {
    condition     = [for g in output.iam_grants : "${g.resource} ${g.member}" if startswith(g.member, "group:")] == ["acme-genops-dev-genops-dev-access-logs group:cloud-storage-analytics@google.com"]
    error_message = "Only with storage_usage_logs does the log bucket let Cloud Storage's analytics group write."
  }
}

run "search_grounding_adds_the_discovery_engine_role" {
  variables {
    genops_search_data_store = "projects/acme-genops-dev/locations/global/collections/default_collection/dataStores/handbook"
  }

  assert {
    condition     = contains([for g in output.iam_grants : g.role if g.member == var.composer && g.scope == "project"], "roles/discoveryengine.viewer")
    error_message = "A data store gives the Composer account roles/discoveryengine.viewer."
  }
}
