module "project_services" {
  source = "./modules/project_services"

  project_id          = var.project_id
  additional_services = concat(var.additional_services, local.sample_services)
  cmek_service_agents = local.cmek_service_agents
}

module "service_accounts" {
  source = "./modules/service_accounts"

  project_id             = module.project_services.project_id
  name_prefix            = local.prefix
  composer_service_agent = module.project_services.service_agents["composer"]
}

# Lets every service agent that encrypts for the platform use var.kms_key_name (no-op without CMEK):
# Cloud Storage and BigQuery (read here), Composer and the agents its CMEK page lists (created first).
module "cmek" {
  source = "./modules/cmek"

  project_id     = module.project_services.project_id
  kms_key_name   = var.kms_key_name
  service_agents = var.kms_key_name == null ? {} : module.project_services.service_agents
}

module "storage" {
  source = "./modules/storage"

  project_id       = module.project_services.project_id
  location         = var.region
  data_bucket_name = "${var.project_id}-${local.prefix}-data"
  log_bucket_name  = "${var.project_id}-${local.prefix}-access-logs"
  labels           = local.labels
  kms_key_name     = module.cmek.kms_key_name
  force_destroy    = var.data_bucket_force_destroy
  reports_prefix   = var.genops_reports_prefix
  usage_logs       = var.storage_usage_logs

  lifecycle_days = {
    reports_nearline    = var.storage_lifecycle.reports_nearline_after_days
    noncurrent_versions = var.storage_lifecycle.noncurrent_versions_retention_days
    access_logs         = var.storage_lifecycle.access_logs_retention_days
  }
}

module "bigquery" {
  source = "./modules/bigquery"

  project_id          = module.project_services.project_id
  location            = var.region
  dataset_id          = var.bigquery_dataset_id
  table_id            = var.bigquery_table_id
  table_schema        = local.evaluations_schema
  labels              = local.labels
  kms_key_name        = module.cmek.kms_key_name
  deletion_protection = var.deletion_protection
  sample_tables       = local.sample_tables
  usage_table_id      = var.genops_usage_table
  usage_table_schema  = local.usage_schema
}

module "composer" {
  source = "./modules/composer"

  project_id                 = module.project_services.project_id
  region                     = var.region
  name                       = local.prefix
  labels                     = local.labels
  image_version              = var.composer_image_version
  environment_size           = var.composer_environment_size
  resilience_mode            = var.composer_resilience_mode
  workloads                  = var.composer_workloads
  service_account_email      = time_sleep.composer_iam.triggers["service_account_email"]
  composer_service_agent     = module.project_services.service_agents["composer"]
  deletion_policy            = var.composer_deletion_policy
  enable_private_environment = var.composer_enable_private_environment
  network                    = var.composer_network
  subnetwork                 = var.composer_subnetwork
  network_attachment         = var.composer_network_attachment
  maintenance_window         = var.composer_maintenance_window
  airflow_config_overrides   = var.airflow_config_overrides
  pypi_packages              = var.composer_pypi_packages
  kms_key_name               = module.cmek.kms_key_name

  genops = {
    project_id               = var.project_id
    region                   = var.region
    data_bucket              = module.storage.data_bucket
    bq_dataset               = module.bigquery.dataset_id
    bq_table                 = module.bigquery.table_id
    pro_model                = var.genops_pro_model
    flash_model              = var.genops_flash_model
    tuning_source_model      = var.genops_tuning_source_model
    tuned_model_display_name = var.genops_tuned_model_display_name
    training_data_object     = var.genops_training_data_object
    reports_prefix           = var.genops_reports_prefix
    token_budget             = var.genops_token_budget
    eval_thresholds          = var.genops_eval_thresholds
    experiment_name          = var.genops_experiment_name
    eval_concurrency         = var.genops_eval_concurrency
    eval_mode                = var.genops_eval_mode
    batch_min_examples       = var.genops_batch_min_examples
    comparison_metric        = var.genops_comparison_metric
    samples_prefix           = var.genops_samples_prefix
    feedback_table           = module.bigquery.sample_table_ids["customer_feedback"]
    video_scenes_table       = module.bigquery.sample_table_ids["video_scenes"]
    insights_source_table    = var.genops_insights_source_table
    search_data_store        = var.genops_search_data_store
    airflow_api_url          = var.genops_airflow_api_url
    translation_language     = var.genops_translation_language
    usage_table              = module.bigquery.usage_table_id
    daily_token_budget       = var.genops_daily_token_budget
    daily_cost_budget_usd    = var.genops_daily_cost_budget_usd
    approvers                = var.genops_approvers
    approval_timeout         = var.genops_approval_timeout
    regression_tolerance     = var.genops_regression_tolerance
    canary_schedule          = var.genops_canary_schedule
    canary_baseline          = var.genops_canary_baseline
  }
}

module "cloudbuild" {
  source = "./modules/cloudbuild"

  project_id                = module.project_services.project_id
  name_prefix               = local.prefix
  environment               = var.environment
  service_accounts          = { test = module.service_accounts.ids["test"], deploy = module.service_accounts.ids["deploy"] }
  github                    = var.github_owner == null ? null : { owner = var.github_owner, name = var.github_repository }
  repository_id             = var.cloudbuild_repository
  build_config_file         = var.cloudbuild_config_file
  pull_request              = { branch = var.cloudbuild_pull_request_branch, comment_control = var.cloudbuild_comment_control }
  deploy                    = var.cloudbuild_deploy
  release_branch            = var.cloudbuild_release_branch
  composer_environment_name = module.composer.name
  composer_region           = var.region
  dag_gcs_prefix            = module.composer.dag_gcs_prefix

  # A build may start as soon as the trigger exists: its identity must already hold its roles.
  depends_on = [google_project_iam_member.identities, google_storage_bucket_iam_member.identities]
}
