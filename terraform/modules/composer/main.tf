locals {
  # One entry per setting in dags/genops/core/config.py SETTINGS, no more and no fewer
  # (tests/terraform/test_genops_contract.py keeps the two in step).
  env_variables = {
    GENOPS_PROJECT_ID               = var.genops.project_id
    GENOPS_REGION                   = var.genops.region
    GENOPS_DATA_BUCKET              = var.genops.data_bucket
    GENOPS_BQ_DATASET               = var.genops.bq_dataset
    GENOPS_BQ_TABLE                 = var.genops.bq_table
    GENOPS_PRO_MODEL                = var.genops.pro_model
    GENOPS_FLASH_MODEL              = var.genops.flash_model
    GENOPS_TUNING_SOURCE_MODEL      = var.genops.tuning_source_model
    GENOPS_TUNED_MODEL_DISPLAY_NAME = var.genops.tuned_model_display_name
    GENOPS_TRAINING_DATA_OBJECT     = var.genops.training_data_object
    GENOPS_REPORTS_PREFIX           = var.genops.reports_prefix
    GENOPS_TOKEN_BUDGET             = tostring(var.genops.token_budget)
    GENOPS_EVAL_THRESHOLDS          = jsonencode(var.genops.eval_thresholds)
    GENOPS_EXPERIMENT_NAME          = var.genops.experiment_name
    GENOPS_EVAL_CONCURRENCY         = tostring(var.genops.eval_concurrency)
    GENOPS_EVAL_MODE                = var.genops.eval_mode
    GENOPS_BATCH_MIN_EXAMPLES       = tostring(var.genops.batch_min_examples)
    GENOPS_COMPARISON_METRIC        = var.genops.comparison_metric
    GENOPS_SAMPLES_PREFIX           = var.genops.samples_prefix
    GENOPS_FEEDBACK_TABLE           = var.genops.feedback_table
    GENOPS_VIDEO_SCENES_TABLE       = var.genops.video_scenes_table
    GENOPS_INSIGHTS_SOURCE_TABLE    = var.genops.insights_source_table # "" (default): data_insights skips
    GENOPS_SEARCH_DATA_STORE        = var.genops.search_data_store     # "": grounded_gemini skips the data store
    GENOPS_AIRFLOW_API_URL          = var.genops.airflow_api_url       # "": Airflow's own [api] base_url
    GENOPS_TRANSLATION_LANGUAGE     = var.genops.translation_language
    GENOPS_USAGE_TABLE              = var.genops.usage_table
    GENOPS_DAILY_TOKEN_BUDGET       = var.genops.daily_token_budget    # "": no daily token limit
    GENOPS_DAILY_COST_BUDGET_USD    = var.genops.daily_cost_budget_usd # "": no daily cost limit
    GENOPS_APPROVERS                = var.genops.approvers             # "": serving is approved automatically
    GENOPS_APPROVAL_TIMEOUT         = var.genops.approval_timeout
    GENOPS_REGRESSION_TOLERANCE     = tostring(var.genops.regression_tolerance)
    GENOPS_CANARY_SCHEDULE          = var.genops.canary_schedule
    GENOPS_CANARY_BASELINE          = var.genops.canary_baseline # "": no configured baseline
  }

  # Platform defaults (Airflow 3 option names); var.airflow_config_overrides wins on conflict.
  platform_airflow_config = {
    "core-dags_are_paused_at_creation"         = "True" # a new DAG runs only once someone unpauses it
    "core-max_active_runs_per_dag"             = "1"    # evaluation runs spend model quota: one at a time
    "core-max_active_tasks_per_dag"            = "8"
    "core-dagbag_import_timeout"               = "60"
    "dag_processor-dag_file_processor_timeout" = "120" # Airflow 3 moved this out of [core]; must exceed the import timeout
    "scheduler-catchup_by_default"             = "False"
    "api-expose_config"                        = "False" # the UI must not show connection strings and secrets
  }
  # Composer's own options (not Airflow's): an account that first reaches Airflow through Composer's REST API
  # front (the deploy check, the status report) is registered as Viewer, not Composer's default Op
  # (https://cloud.google.com/composer/docs/composer-3/access-airflow-api, read 2026-12-07). Override it with
  # airflow_config_overrides where an API caller must write.
  composer_airflow_config = {
    "api-composer_auth_user_registration_role" = "Viewer"
  }
  airflow_config = merge(local.platform_airflow_config, local.composer_airflow_config, var.airflow_config_overrides)

  # Options Composer manages itself and rejects as overrides ("blocked" in
  # https://cloud.google.com/composer/docs/composer-3/override-airflow-configurations), section-key.
  blocked_airflow_config = [
    "core-dags_folder", "core-executor", "core-plugins_folder", "core-sql_alchemy_conn",
    "database-sql_alchemy_conn", "celery-broker_url", "celery-result_backend",
    "logging-base_log_folder", "logging-remote_logging", "logging-remote_base_log_folder", "logging-remote_log_conn_id",
    "webserver-web_server_host", "webserver-web_server_port",
  ]

  # Composer 3 networking: Composer-managed (neither set), a network attachment, or a VPC subnetwork.
  # A network in another project is a Shared VPC host, whose project must let the Composer agent use it.
  network_project = var.network == null ? null : split("/", var.network)[1]
  shared_vpc_host = local.network_project != null && local.network_project != var.project_id ? local.network_project : null

  composer_3_versions = [for v in data.google_composer_image_versions.available.image_versions : v.image_version_id if startswith(v.image_version_id, "composer-3-")]
}

# The image versions Composer offers in the region, read at plan time (once the API is on) so a
# version that does not exist there fails the plan, naming the ones that do.
data "google_composer_image_versions" "available" {
  project = var.project_id
  region  = var.region
}

# Shared VPC (https://cloud.google.com/composer/docs/composer-3/configure-shared-vpc): the host project
# lets this project's Composer service agent (created by modules/project_services) use its network.
resource "google_project_iam_member" "shared_vpc_agent" {
  count = local.shared_vpc_host == null ? 0 : 1

  project = local.shared_vpc_host
  role    = "roles/composer.sharedVpcAgent"
  member  = var.composer_service_agent
}

resource "google_composer_environment" "this" {
  project = var.project_id
  name    = var.name
  region  = var.region
  labels  = var.labels

  # "PREVENT": terraform refuses to destroy or replace the environment (and its Airflow database).
  deletion_policy = var.deletion_policy == "PREVENT" ? "PREVENT" : null

  config {
    environment_size           = var.environment_size
    resilience_mode            = var.resilience_mode
    enable_private_environment = var.enable_private_environment

    software_config {
      image_version            = var.image_version
      env_variables            = local.env_variables
      airflow_config_overrides = local.airflow_config
      pypi_packages            = var.pypi_packages
    }

    workloads_config {
      scheduler {
        cpu        = var.workloads.scheduler.cpu
        memory_gb  = var.workloads.scheduler.memory_gb
        storage_gb = var.workloads.scheduler.storage_gb
        count      = var.workloads.scheduler.count
      }
      triggerer {
        cpu       = var.workloads.triggerer.cpu
        memory_gb = var.workloads.triggerer.memory_gb
        count     = var.workloads.triggerer.count
      }
      dag_processor {
        cpu        = var.workloads.dag_processor.cpu
        memory_gb  = var.workloads.dag_processor.memory_gb
        storage_gb = var.workloads.dag_processor.storage_gb
        count      = var.workloads.dag_processor.count
      }
      web_server {
        cpu        = var.workloads.web_server.cpu
        memory_gb  = var.workloads.web_server.memory_gb
        storage_gb = var.workloads.web_server.storage_gb
      }
      worker {
        cpu        = var.workloads.worker.cpu
        memory_gb  = var.workloads.worker.memory_gb
        storage_gb = var.workloads.worker.storage_gb
        min_count  = var.workloads.worker.min_count
        max_count  = var.workloads.worker.max_count
      }
    }

    node_config {
      service_account             = var.service_account_email
      network                     = var.network
      subnetwork                  = var.subnetwork
      composer_network_attachment = var.network_attachment
    }

    maintenance_window {
      start_time = var.maintenance_window.start_time
      end_time   = var.maintenance_window.end_time
      recurrence = var.maintenance_window.recurrence
    }

    dynamic "encryption_config" {
      for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
      content {
        kms_key_name = encryption_config.value
      }
    }
  }

  lifecycle {
    precondition {
      condition     = contains(local.composer_3_versions, var.image_version)
      error_message = "composer_image_version ${var.image_version} is not available in ${var.region}. Available Composer 3 images there: ${join(", ", local.composer_3_versions)}."
    }
    precondition {
      condition     = length(setintersection(keys(local.airflow_config), local.blocked_airflow_config)) == 0
      error_message = "Composer rejects overrides of ${join(", ", setintersection(keys(local.airflow_config), local.blocked_airflow_config))}: remove them from airflow_config_overrides."
    }
  }

  depends_on = [google_project_iam_member.shared_vpc_agent]
}
