module "project_services" {
  source = "./modules/project_services"

  project_id          = var.project_id
  additional_services = concat(var.additional_services, local.sample_services)
}

module "service_accounts" {
  source = "./modules/service_accounts"

  project_id             = module.project_services.project_id
  name_prefix            = local.prefix
  composer_service_agent = module.project_services.service_agents["composer"]
  search_grounding       = var.genops_search_data_store != ""
}

# Lets the Cloud Storage and BigQuery service agents use var.kms_key_name (no-op without CMEK).
module "cmek" {
  source = "./modules/cmek"

  project_id   = module.project_services.project_id
  kms_key_name = var.kms_key_name
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

  lifecycle_days = {
    reports_nearline    = var.storage_lifecycle.reports_nearline_after_days
    noncurrent_versions = var.storage_lifecycle.noncurrent_versions_retention_days
    access_logs         = var.storage_lifecycle.access_logs_retention_days
  }

  object_admins = {
    composer = module.service_accounts.members["composer"]
  }
  # Tuning jobs run as the Vertex AI service agent and read the training data from this bucket.
  object_viewers = {
    vertex_ai_agent = "serviceAccount:${module.project_services.service_agents["aiplatform"]}"
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

  data_editors = {
    composer = module.service_accounts.members["composer"]
  }
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
  service_account_email      = module.service_accounts.emails["composer"]
  enable_private_environment = var.composer_enable_private_environment
  network                    = var.composer_network
  subnetwork                 = var.composer_subnetwork
  maintenance_window         = var.composer_maintenance_window
  airflow_config_overrides   = var.airflow_config_overrides
  pypi_packages              = var.composer_pypi_packages
  kms_key_name               = var.kms_key_name

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
    comparison_metric        = var.genops_comparison_metric
    samples_prefix           = var.genops_samples_prefix
    feedback_table           = module.bigquery.sample_table_ids["customer_feedback"]
    video_scenes_table       = module.bigquery.sample_table_ids["video_scenes"]
    insights_source_table    = var.genops_insights_source_table
    search_data_store        = var.genops_search_data_store
    airflow_api_url          = var.genops_airflow_api_url
    translation_language     = var.genops_translation_language
  }
}

module "cloudbuild" {
  source = "./modules/cloudbuild"

  project_id                   = module.project_services.project_id
  name_prefix                  = local.prefix
  service_account_id           = module.service_accounts.ids["cloudbuild"]
  service_account_member       = module.service_accounts.members["cloudbuild"]
  github                       = var.github_owner == null ? null : { owner = var.github_owner, name = var.github_repository }
  repository_id                = var.cloudbuild_repository
  build_config_file            = var.cloudbuild_config_file
  pull_request_branch          = var.cloudbuild_branches.pull_request
  pull_request_comment_control = var.cloudbuild_comment_control
  deploy_branch                = var.cloudbuild_branches.deploy
  composer_environment_name    = module.composer.name
  composer_region              = var.region
  dag_gcs_prefix               = module.composer.dag_gcs_prefix
}
