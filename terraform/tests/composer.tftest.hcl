# The Composer environment: who it runs as and what configuration the DAGs receive.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "environment" {
  assert {
    condition     = module.composer.service_account == output.service_accounts["composer"]
    error_message = "The environment must run as the Composer account this blueprint creates, not the default compute account."
  }

  assert {
    condition     = output.service_accounts["composer"] == "genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"
    error_message = "The Composer account must be <name>-<environment>-composer."
  }

  assert {
    condition = toset(keys(output.genops_env_variables)) == toset([
      "GENOPS_PROJECT_ID", "GENOPS_REGION", "GENOPS_DATA_BUCKET", "GENOPS_BQ_DATASET", "GENOPS_BQ_TABLE",
      "GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL", "GENOPS_TUNING_SOURCE_MODEL", "GENOPS_TUNED_MODEL_DISPLAY_NAME",
      "GENOPS_TRAINING_DATA_OBJECT", "GENOPS_REPORTS_PREFIX", "GENOPS_TOKEN_BUDGET", "GENOPS_EVAL_THRESHOLDS",
      "GENOPS_EXPERIMENT_NAME", "GENOPS_EVAL_CONCURRENCY", "GENOPS_EVAL_MODE", "GENOPS_BATCH_MIN_EXAMPLES", "GENOPS_COMPARISON_METRIC", "GENOPS_SAMPLES_PREFIX",
      "GENOPS_FEEDBACK_TABLE",
      "GENOPS_VIDEO_SCENES_TABLE", "GENOPS_INSIGHTS_SOURCE_TABLE", "GENOPS_SEARCH_DATA_STORE",
      "GENOPS_AIRFLOW_API_URL", "GENOPS_TRANSLATION_LANGUAGE",
      "GENOPS_USAGE_TABLE", "GENOPS_DAILY_TOKEN_BUDGET", "GENOPS_DAILY_COST_BUDGET_USD",
      "GENOPS_APPROVERS", "GENOPS_APPROVAL_TIMEOUT", "GENOPS_REGRESSION_TOLERANCE", "GENOPS_CANARY_SCHEDULE",
      "GENOPS_CANARY_BASELINE",
    ])
    error_message = "env_variables must hold every GENOPS_ setting of dags/genops/core/config.py and nothing else; got ${jsonencode(keys(output.genops_env_variables))}."
  }

  assert {
    condition = (
      output.genops_env_variables["GENOPS_PROJECT_ID"] == "acme-genops-dev" &&
      output.genops_env_variables["GENOPS_DATA_BUCKET"] == output.data_bucket &&
      output.genops_env_variables["GENOPS_BQ_DATASET"] == "genops" &&
      output.genops_env_variables["GENOPS_BQ_TABLE"] == "model_evaluations" &&
      output.genops_env_variables["GENOPS_TOKEN_BUDGET"] == "2048"
    )
    error_message = "Project, bucket, dataset, table and token budget must come from the created resources and the defaults; got ${jsonencode(output.genops_env_variables)}."
  }

  assert {
    condition     = jsondecode(output.genops_env_variables["GENOPS_EVAL_THRESHOLDS"]) == { groundedness = 0.7, rouge_l_sum = 0.2, summarization_quality = 3 }
    error_message = "GENOPS_EVAL_THRESHOLDS must be the JSON of genops_eval_thresholds."
  }

  assert {
    condition = (
      module.composer.airflow_config_overrides["core-dags_are_paused_at_creation"] == "True" &&
      module.composer.airflow_config_overrides["scheduler-catchup_by_default"] == "False" &&
      module.composer.airflow_config_overrides["api-composer_auth_user_registration_role"] == "Viewer"
    )
    error_message = "New DAGs must start paused and never catch up by default; accounts registered through Composer's API front are Viewers."
  }

  assert {
    condition     = output.airflow_uri != "" && output.dag_gcs_prefix == "gs://us-central1-genops-abc-bucket/dags"
    error_message = "The Airflow URI and DAG prefix outputs must come from the environment."
  }
}

run "caller_overrides_win" {
  variables {
    airflow_config_overrides = { "core-max_active_runs_per_dag" = "4" }
    genops_eval_thresholds   = { bleu = 0.5 }
  }

  assert {
    condition     = module.composer.airflow_config_overrides["core-max_active_runs_per_dag"] == "4" && module.composer.airflow_config_overrides["core-dags_are_paused_at_creation"] == "True"
    error_message = "airflow_config_overrides must override the platform defaults key by key and keep the others."
  }

  assert {
    condition     = jsondecode(output.genops_env_variables["GENOPS_EVAL_THRESHOLDS"]) == { bleu = 0.5 }
    error_message = "GENOPS_EVAL_THRESHOLDS must follow genops_eval_thresholds."
  }
}
