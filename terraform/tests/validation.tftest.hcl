# Every input validation rejects a bad value (each run changes one input from a valid setup).

mock_provider "google" {
  source = "./tests/mocks"
}

variables {
  project_id        = "acme-genops-dev"
  github_owner      = "acme"
  github_repository = "genops"
}

run "project_id_is_a_project_id" {
  command = plan

  variables {
    project_id = "Acme Genops"
  }

  expect_failures = [var.project_id]
}

run "region_is_not_a_zone" {
  command = plan

  variables {
    region = "us-central1-a"
  }

  expect_failures = [var.region]
}

run "name_is_lowercase" {
  command = plan

  variables {
    name = "GenOps"
  }

  expect_failures = [var.name]
}

run "environment_is_lowercase" {
  command = plan

  variables {
    environment = "Dev"
  }

  expect_failures = [var.environment]
}

run "prefix_fits_account_ids" {
  command = plan

  variables {
    environment = "productionblue"
  }

  expect_failures = [var.environment]
}

run "labels_are_valid" {
  command = plan

  variables {
    labels = { "Cost Center" = "x" }
  }

  expect_failures = [var.labels]
}

run "additional_services_are_apis" {
  command = plan

  variables {
    additional_services = ["discoveryengine"]
  }

  expect_failures = [var.additional_services]
}

run "kms_key_is_a_key_id" {
  command = plan

  variables {
    kms_key_name = "my-key"
  }

  expect_failures = [var.kms_key_name]
}

run "reports_nearline_days_positive" {
  command = plan

  variables {
    reports_nearline_after_days = 0
  }

  expect_failures = [var.reports_nearline_after_days]
}

run "noncurrent_days_whole" {
  command = plan

  variables {
    noncurrent_versions_retention_days = 1.5
  }

  expect_failures = [var.noncurrent_versions_retention_days]
}

run "access_log_days_positive" {
  command = plan

  variables {
    access_logs_retention_days = -1
  }

  expect_failures = [var.access_logs_retention_days]
}

run "dataset_id_has_no_hyphen" {
  command = plan

  variables {
    bigquery_dataset_id = "gen-ops"
  }

  expect_failures = [var.bigquery_dataset_id]
}

run "table_id_not_empty" {
  command = plan

  variables {
    bigquery_table_id = ""
  }

  expect_failures = [var.bigquery_table_id]
}

run "image_version_is_pinned" {
  command = plan

  variables {
    composer_image_version = "composer-3-airflow-3"
  }

  expect_failures = [var.composer_image_version]
}

run "image_version_is_composer_3" {
  command = plan

  variables {
    composer_image_version = "composer-2.9.7-airflow-2.9.3"
  }

  expect_failures = [var.composer_image_version]
}

run "environment_size_is_known" {
  command = plan

  variables {
    composer_environment_size = "SMALL"
  }

  expect_failures = [var.composer_environment_size]
}

run "resilience_mode_is_known" {
  command = plan

  variables {
    composer_resilience_mode = "HIGH"
  }

  expect_failures = [var.composer_resilience_mode]
}

run "workload_sizes_positive" {
  command = plan

  variables {
    composer_workloads = { worker = { cpu = 0 } }
  }

  expect_failures = [var.composer_workloads]
}

run "worker_min_not_above_max" {
  command = plan

  variables {
    composer_workloads = { worker = { min_count = 4, max_count = 2 } }
  }

  expect_failures = [var.composer_workloads]
}

run "one_scheduler_at_least" {
  command = plan

  variables {
    composer_workloads = { scheduler = { count = 0 } }
  }

  expect_failures = [var.composer_workloads]
}

run "network_with_subnetwork" {
  command = plan

  variables {
    composer_network = "projects/acme-genops-dev/global/networks/vpc"
  }

  expect_failures = [var.composer_subnetwork]
}

run "maintenance_window_ordered" {
  command = plan

  variables {
    composer_maintenance_window = { start_time = "2025-01-03T04:00:00Z", end_time = "2025-01-03T00:00:00Z", recurrence = "FREQ=WEEKLY;BYDAY=SA" }
  }

  expect_failures = [var.composer_maintenance_window]
}

run "maintenance_window_is_rrule" {
  command = plan

  variables {
    composer_maintenance_window = { start_time = "2025-01-03T00:00:00Z", end_time = "2025-01-03T04:00:00Z", recurrence = "weekends" }
  }

  expect_failures = [var.composer_maintenance_window]
}

run "airflow_override_keys" {
  command = plan

  variables {
    airflow_config_overrides = { "max_active_runs_per_dag" = "2" }
  }

  expect_failures = [var.airflow_config_overrides]
}

run "pro_model_not_blank" {
  command = plan

  variables {
    genops_pro_model = ""
  }

  expect_failures = [var.genops_pro_model]
}

run "flash_model_no_spaces" {
  command = plan

  variables {
    genops_flash_model = "gemini flash"
  }

  expect_failures = [var.genops_flash_model]
}

run "tuning_model_not_blank" {
  command = plan

  variables {
    genops_tuning_source_model = " "
  }

  expect_failures = [var.genops_tuning_source_model]
}

run "tuned_name_not_blank" {
  command = plan

  variables {
    genops_tuned_model_display_name = "  "
  }

  expect_failures = [var.genops_tuned_model_display_name]
}

run "training_object_not_a_url" {
  command = plan

  variables {
    genops_training_data_object = "gs://bucket/training/sft_train.jsonl"
  }

  expect_failures = [var.genops_training_data_object]
}

run "reports_prefix_no_slashes" {
  command = plan

  variables {
    genops_reports_prefix = "/reports/"
  }

  expect_failures = [var.genops_reports_prefix]
}

run "token_budget_positive" {
  command = plan

  variables {
    genops_token_budget = 0
  }

  expect_failures = [var.genops_token_budget]
}

run "token_budget_whole" {
  command = plan

  variables {
    genops_token_budget = 10.5
  }

  expect_failures = [var.genops_token_budget]
}

run "thresholds_not_empty" {
  command = plan

  variables {
    genops_eval_thresholds = {}
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "thresholds_known_metrics" {
  command = plan

  variables {
    genops_eval_thresholds = { accuracy = 0.5 }
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "thresholds_in_range" {
  command = plan

  variables {
    genops_eval_thresholds = { summarization_quality = 0.5 }
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "thresholds_below_range" {
  command = plan

  variables {
    genops_eval_thresholds = { verbosity = -3 }
  }

  expect_failures = [var.genops_eval_thresholds]
}

run "experiment_name_is_an_id" {
  command = plan

  variables {
    genops_experiment_name = "GenOps Eval"
  }

  expect_failures = [var.genops_experiment_name]
}

run "comparison_metric_known" {
  command = plan

  variables {
    genops_comparison_metric = "accuracy"
  }

  expect_failures = [var.genops_comparison_metric]
}

run "repository_not_both" {
  command = plan

  variables {
    cloudbuild_repository = "projects/acme-genops-dev/locations/us-central1/connections/gh/repositories/genops"
  }

  expect_failures = [var.cloudbuild_repository]
}

run "repository_not_neither" {
  command = plan

  variables {
    github_owner      = null
    github_repository = null
  }

  expect_failures = [var.cloudbuild_repository]
}

run "github_owner_needs_name" {
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

run "config_file_is_yaml" {
  command = plan

  variables {
    cloudbuild_config_file = "/cloudbuild.json"
  }

  expect_failures = [var.cloudbuild_config_file]
}

run "pr_branch_is_a_regex" {
  command = plan

  variables {
    cloudbuild_pull_request_branch = "feature/("
  }

  expect_failures = [var.cloudbuild_pull_request_branch]
}

run "deploy_branch_is_a_regex" {
  command = plan

  variables {
    cloudbuild_deploy_branch = "[main"
  }

  expect_failures = [var.cloudbuild_deploy_branch]
}

run "comment_control_known" {
  command = plan

  variables {
    cloudbuild_comment_control = "ALWAYS"
  }

  expect_failures = [var.cloudbuild_comment_control]
}
