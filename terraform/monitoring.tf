# Observability and cost control: alerts a platform team can act on (modules/monitoring) and the Gemini
# usage ledger they read (modules/bigquery, the table "usage"). On by default.

locals {
  # The one schema file the DAGs also write the ledger rows with (dags/genops/usage).
  usage_schema = file("${path.module}/../dags/genops/schemas/gemini_usage.json")
}

module "monitoring" {
  source = "./modules/monitoring"

  project_id                = module.project_services.project_id
  name_prefix               = local.prefix
  labels                    = local.labels
  notification_channels     = var.alert_notification_channels
  composer_environment_name = module.composer.name
  airflow_uri               = module.composer.airflow_uri
  deploy_trigger_id         = module.cloudbuild.trigger_ids["deploy"]
  deploy_trigger_location   = module.cloudbuild.location
  usage_table               = module.bigquery.usage_table_fqn
  usage_view                = module.bigquery.usage_view_fqn
  thresholds                = var.alert_thresholds
  billing_budget            = var.billing_budget
}

output "monitoring" {
  description = "Alerting and spend: notification channel ids, alert policy ids by key, the dashboard id, the billing budget (null when off), the usage ledger table and its spend-per-day view."
  value = {
    notification_channels = module.monitoring.notification_channel_ids
    alert_policies        = { for key, policy in module.monitoring.alert_policies : key => policy.id }
    dashboard             = module.monitoring.dashboard.id
    billing_budget        = module.monitoring.billing_budget
    usage_table           = module.bigquery.usage_table_fqn
    usage_view            = module.bigquery.usage_view_fqn
  }
}
