# Every input validation rejects a bad value. Each run sets bad values for several independent
# inputs and expects each of them to fail (Terraform fails the run if any listed one passes);
# inputs with several rules, or rules that read other inputs, get runs of their own.
# Grouped because every run restarts the provider: one run per value would triple the time.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "platform_inputs" {
  command = plan

  variables {
    project_id          = "Acme Genops"   # a name, not an id
    region              = "us-central1-a" # a zone
    name                = "GenOps"        # uppercase
    labels              = { "Cost Center" = "x" }
    additional_services = ["discoveryengine"] # not an API name
    kms_key_name        = "my-key"            # not a key id
  }

  expect_failures = [var.project_id, var.region, var.name, var.labels, var.additional_services, var.kms_key_name]
}

run "environment_is_lowercase" {
  command = plan

  variables {
    environment = "Dev"
  }

  expect_failures = [var.environment]
}

run "prefix_fits_service_account_ids" {
  command = plan

  variables {
    environment = "productionblue" # genops-productionblue-cloudbuild > 30 characters
  }

  expect_failures = [var.environment]
}

run "data_inputs" {
  command = plan

  variables {
    storage_lifecycle   = { noncurrent_versions_retention_days = 1.5 }
    bigquery_dataset_id = "gen-ops"
    bigquery_table_id   = ""
  }

  expect_failures = [var.storage_lifecycle, var.bigquery_dataset_id, var.bigquery_table_id]
}

run "composer_inputs" {
  command = plan

  variables {
    composer_image_version    = "composer-3-airflow-3" # an alias, not a pinned build
    composer_environment_size = "SMALL"
    composer_resilience_mode  = "HIGH"
    composer_workloads        = { worker = { cpu = 0 } }
    composer_network          = "projects/acme-genops-dev/global/networks/vpc" # without a subnetwork
    composer_maintenance_window = {
      start_time = "2025-01-03T04:00:00Z" # after the end
      end_time   = "2025-01-03T00:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=SA"
    }
    airflow_config_overrides = { "max_active_runs_per_dag" = "2" } # no section
  }

  expect_failures = [
    var.composer_image_version, var.composer_environment_size, var.composer_resilience_mode, var.composer_workloads,
    var.composer_subnetwork, var.composer_maintenance_window, var.airflow_config_overrides,
  ]
}

run "composer_inputs_second_rules" {
  command = plan

  variables {
    composer_image_version = "composer-2.9.7-airflow-2.9.3" # Composer 2
    composer_workloads     = { worker = { min_count = 4, max_count = 2 } }
    composer_maintenance_window = {
      start_time = "2025-01-03T00:00:00Z"
      end_time   = "2025-01-03T04:00:00Z"
      recurrence = "weekends" # not an RRULE
    }
  }

  expect_failures = [var.composer_image_version, var.composer_workloads, var.composer_maintenance_window]
}

run "composer_needs_a_scheduler" {
  command = plan

  variables {
    composer_workloads = { scheduler = { count = 0 } }
  }

  expect_failures = [var.composer_workloads]
}

run "genops_inputs" {
  command = plan

  variables {
    genops_pro_model                = ""
    genops_flash_model              = "gemini flash"
    genops_tuning_source_model      = " "
    genops_tuned_model_display_name = "  "
    genops_training_data_object     = "gs://bucket/training/sft_train.jsonl"
    genops_reports_prefix           = "/reports/"
    genops_token_budget             = 0
    genops_eval_thresholds          = { accuracy = 0.5 } # unknown metric
    genops_experiment_name          = "GenOps Eval"
    genops_comparison_metric        = "accuracy"
  }

  expect_failures = [
    var.genops_pro_model, var.genops_flash_model, var.genops_tuning_source_model, var.genops_tuned_model_display_name,
    var.genops_training_data_object, var.genops_reports_prefix, var.genops_token_budget, var.genops_eval_thresholds,
    var.genops_experiment_name, var.genops_comparison_metric,
  ]
}

run "genops_inputs_second_rules" {
  command = plan

  variables {
    genops_token_budget            = 10.5                            # not whole
    genops_eval_thresholds         = { summarization_quality = 0.5 } # below its 1..5 range
    storage_lifecycle              = { access_logs_retention_days = 0 }
    cloudbuild_pull_request_branch = "feature/("
  }

  expect_failures = [var.genops_token_budget, var.genops_eval_thresholds, var.storage_lifecycle, var.cloudbuild_pull_request_branch]
}

run "thresholds_not_empty" {
  command = plan

  variables {
    genops_eval_thresholds = {}
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "thresholds_below_negative_range" {
  command = plan

  variables {
    genops_eval_thresholds = { verbosity = -3 } # range -2..2
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "cloudbuild_inputs" {
  command = plan

  variables {
    cloudbuild_repository      = "projects/acme-genops-dev/locations/us-central1/connections/gh/repositories/genops" # and GitHub
    cloudbuild_config_file     = "/cloudbuild.json"
    cloudbuild_deploy          = { branch = "[main" }
    cloudbuild_comment_control = "ALWAYS"
    cloudbuild_release_branch  = "^main$"
  }

  expect_failures = [
    var.cloudbuild_repository, var.cloudbuild_config_file, var.cloudbuild_deploy, var.cloudbuild_comment_control,
    var.cloudbuild_release_branch,
  ]
}

run "deploy_trigger_cannot_fire_on_every_branch" {
  command = plan

  variables {
    cloudbuild_deploy = { branch = ".*" }
  }

  expect_failures = [var.cloudbuild_deploy]
}

run "deploy_needs_exactly_one_of_branch_or_tag" {
  command = plan

  variables {
    cloudbuild_deploy = { branch = "^main$", tag = "^v.*$" }
  }

  expect_failures = [var.cloudbuild_deploy]
}

run "networking_inputs" {
  command = plan

  variables {
    composer_network         = "vpc" # not an id
    composer_deletion_policy = "ABANDON"
  }

  expect_failures = [var.composer_network, var.composer_deletion_policy]
}

run "network_attachment_in_the_region" {
  command = plan

  variables {
    composer_network_attachment = "projects/acme-genops-dev/regions/europe-west4/networkAttachments/a"
  }

  expect_failures = [var.composer_network_attachment]
}

run "network_attachment_or_network" {
  command = plan

  variables {
    composer_network            = "projects/acme-genops-dev/global/networks/vpc"
    composer_subnetwork         = "projects/acme-genops-dev/regions/us-central1/subnetworks/composer"
    composer_network_attachment = "projects/acme-genops-dev/regions/us-central1/networkAttachments/a"
  }

  expect_failures = [var.composer_network_attachment]
}

run "subnetwork_in_the_region_and_network_project" {
  command = plan

  variables {
    composer_network    = "projects/acme-net-host/global/networks/shared"
    composer_subnetwork = "projects/acme-other/regions/europe-west4/subnetworks/composer"
  }

  expect_failures = [var.composer_subnetwork]
}

run "repository_not_neither" {
  command = plan

  variables {
    github_owner      = null
    github_repository = null
  }

  expect_failures = [var.cloudbuild_repository]
}

run "github_owner_needs_repository" {
  command = plan

  variables {
    github_repository = null
  }

  expect_failures = [var.cloudbuild_repository]
}

run "repository_id_format" {
  command = plan

  variables {
    github_owner          = null
    github_repository     = null
    cloudbuild_repository = "acme/genops"
  }

  expect_failures = [var.cloudbuild_repository]
}
