# Plan-time checks of modules/composer on its own: an image the region does not offer, and Airflow
# options Composer blocks, fail the plan (preconditions), before a 25-minute apply would.

mock_provider "google" {
  source = "./tests/mocks"
}

variables {
  project_id             = "acme-genops-dev"
  region                 = "us-central1"
  name                   = "genops-dev"
  image_version          = "composer-3-airflow-3.2.2-build.5"
  environment_size       = "ENVIRONMENT_SIZE_SMALL"
  service_account_email  = "genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
  composer_service_agent = "serviceAccount:service-123456789012@cloudcomposer-accounts.iam.gserviceaccount.com"
  workloads = {
    scheduler     = { cpu = 0.5, memory_gb = 2, storage_gb = 1, count = 1 }
    triggerer     = { cpu = 0.5, memory_gb = 1, count = 1 }
    dag_processor = { cpu = 0.5, memory_gb = 2, storage_gb = 1, count = 1 }
    web_server    = { cpu = 0.5, memory_gb = 2, storage_gb = 1 }
    worker        = { cpu = 0.5, memory_gb = 2, storage_gb = 10, min_count = 1, max_count = 3 }
  }
  maintenance_window = { start_time = "2025-01-03T00:00:00Z", end_time = "2025-01-03T04:00:00Z", recurrence = "FREQ=WEEKLY;BYDAY=SA" }
  genops = {
    project_id        = "acme-genops-dev", region = "us-central1", data_bucket = "data", bq_dataset = "genops", bq_table = "t"
    pro_model         = "p", flash_model = "f", tuning_source_model = "s", tuned_model_display_name = "d", training_data_object = "o"
    reports_prefix    = "reports", token_budget = 1, eval_thresholds = {}, experiment_name = "e", comparison_metric = "m"
    eval_concurrency  = 16, eval_mode = "auto", batch_min_examples = 500
    samples_prefix    = "samples", feedback_table = "f", video_scenes_table = "v", insights_source_table = ""
    search_data_store = "", airflow_api_url = "", translation_language = "Spanish"
    usage_table       = "gemini_usage", daily_token_budget = "", daily_cost_budget_usd = ""
    approvers         = "", approval_timeout = "72h", regression_tolerance = 0.05, canary_schedule = "0 6 * * *"
    canary_baseline   = ""
  }
}

run "available_image_plans" {
  command = plan
  module {
    source = "./modules/composer"
  }

  assert {
    condition     = google_composer_environment.this.config[0].software_config[0].image_version == var.image_version && google_composer_environment.this.deletion_policy == "PREVENT"
    error_message = "An image the region offers plans, and the environment is protected by default."
  }
}

run "image_missing_in_the_region" {
  command = plan
  module {
    source = "./modules/composer"
  }

  variables {
    image_version = "composer-3-airflow-3.2.2-build.99"
  }

  expect_failures = [google_composer_environment.this]
}

run "blocked_airflow_override" {
  command = plan
  module {
    source = "./modules/composer"
  }

  variables {
    airflow_config_overrides = { "core-executor" = "LocalExecutor" }
  }

  expect_failures = [google_composer_environment.this]
}
