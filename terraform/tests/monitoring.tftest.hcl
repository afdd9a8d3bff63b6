# Monitoring: channels from the input, every alert policy wired to them and to what it watches (the
# environment, the deploy trigger, the ledger's log-based metrics), only catalogued metric types, the
# dashboard rendered, the billing budget optional, the usage ledger built from the shared schema, and
# every input validation rejecting a bad value.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"

  override_resource {
    target = module.monitoring.google_project_service_identity.monitoring[0]
    values = {
      member = "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
    }
  }
}

mock_provider "time" {}

variables {
  # The metric types catalogue.json documents; every filter and query may use only these.
  catalogued = [for m in jsondecode(file("./modules/monitoring/catalogue.json")).metrics : m.type]
}

run "defaults_create_policies_dashboard_and_ledger" {
  assert {
    condition = toset(keys(module.monitoring.alert_policies)) == toset([
      "environment_unhealthy", "dag_runs_failing", "dag_parse_errors", "dag_processor_behind",
      "heartbeat_missing", "tuning_job_failed", "token_spend", "deploy_build_failed", "canary_regression",
      "model_lifecycle",
    ])
    error_message = "The defaults must create every alert policy the runbook lists."
  }

  assert {
    condition = alltrue([for p in module.monitoring.alert_policies :
    strcontains(p.documentation, "**First check:**") && strcontains(p.documentation, "**Where:**") || strcontains(p.documentation, "**Failing file:**")])
    error_message = "Every policy's documentation must say what broke, the first thing to check and where."
  }

  assert {
    condition     = module.monitoring.notification_channel_ids == [] && module.monitoring.billing_budget == null
    error_message = "Without channel inputs no channel is created, and without a billing account no budget."
  }

  assert {
    condition = alltrue(flatten([for p in module.monitoring.alert_policies : [for f in p.filters : [
      for t in regexall("[a-z]+\\.googleapis\\.com/[a-z_/]+", f) : anytrue([for c in var.catalogued : startswith(t, c)])
    ]]]))
    error_message = "An alert policy uses a metric type that catalogue.json does not document."
  }

  assert {
    condition = alltrue([for t in regexall("[a-z]+\\.googleapis\\.com/[a-z_/]+", module.monitoring.dashboard.json) :
    anytrue([for c in var.catalogued : startswith(t, c)])])
    error_message = "The dashboard uses a metric type that catalogue.json does not document."
  }

  assert {
    condition = alltrue([for p in module.monitoring.alert_policies :
      length(regexall("composer\\.googleapis\\.com", join(" ", p.filters))) == 0 ||
    strcontains(join(" ", p.filters), "resource.labels.environment_name=\"${module.composer.name}\"")])
    error_message = "Every Composer alert must watch this blueprint's environment only."
  }

  assert {
    condition     = strcontains(module.monitoring.alert_policies.deploy_build_failed.filters[0], "resource.labels.build_trigger_id=\"${module.cloudbuild.trigger_ids["deploy"]}\"")
    error_message = "The failed-deploy alert must watch the deploy trigger's builds."
  }

  assert {
    condition = alltrue([for key, m in module.monitoring.log_metrics :
    strcontains(module.monitoring.alert_policies.token_spend.filters[0], "user_${module.monitoring.log_metrics.tokens.name}_sum")])
    error_message = "The token spend alert must read the ledger's tokens log-based metric."
  }

  assert {
    condition     = alltrue([for m in module.monitoring.log_metrics : strcontains(m.filter, "\"GEMINI_USAGE \"") && strcontains(m.filter, "logs/airflow-worker")])
    error_message = "The log-based metrics must count the ledger's GEMINI_USAGE lines in the Airflow task logs."
  }

  assert {
    condition = alltrue([for key, p in module.monitoring.alert_policies :
    strcontains(module.monitoring.dashboard.json, jsonencode(p.name))])
    error_message = "The dashboard must chart every alert policy."
  }

  assert {
    condition     = can(jsondecode(module.monitoring.dashboard.json).mosaicLayout.tiles) && strcontains(module.monitoring.dashboard.json, module.bigquery.usage_view_fqn)
    error_message = "The dashboard JSON must be valid and point at the spend-per-day view."
  }

  assert {
    condition     = jsondecode(module.bigquery.usage_table.schema) == jsondecode(file("../dags/genops/schemas/gemini_usage.json"))
    error_message = "The usage ledger must be built from the shared schema file the DAGs write with."
  }

  assert {
    condition = (
      module.bigquery.usage_table.partition_field == "called_at" && module.bigquery.usage_table.partition_type == "DAY" &&
      join(",", module.bigquery.usage_table.clustering) == "dag_id,model" && module.bigquery.usage_table.deletion_protection
    )
    error_message = "The usage ledger must be DAY-partitioned on called_at, clustered by DAG and model, and protected."
  }

  assert {
    condition     = module.bigquery.usage_table_fqn == "acme-genops-dev.genops.gemini_usage" && module.bigquery.usage_view_fqn == "acme-genops-dev.genops.gemini_usage_daily"
    error_message = "The ledger and its view live in the evaluations dataset, where the Composer account may write."
  }
}

run "every_channel_and_a_budget" {
  variables {
    alert_notification_channels = {
      emails       = ["oncall@example.com", "genops@example.com"]
      pubsub_topic = "projects/acme-ops/topics/alerts"
      webhook_url  = "https://hooks.example.com/genops"
    }
    billing_budget   = { billing_account = "012345-6789AB-CDEF01", amount = 250 }
    alert_thresholds = { daily_cost_usd = 40 }
  }

  assert {
    condition     = length(module.monitoring.notification_channel_ids) == 4
    error_message = "Two emails, the Pub/Sub topic and the webhook must each get a channel."
  }

  assert {
    condition     = alltrue([for p in module.monitoring.alert_policies : toset(p.notification_channels) == toset(module.monitoring.notification_channel_ids)])
    error_message = "Every alert policy must notify every channel."
  }

  assert {
    condition     = module.monitoring.billing_budget != null
    error_message = "A billing account must create the budget."
  }

  assert {
    condition = contains(output.iam_grants, {
      scope    = "topic"
      resource = "projects/acme-ops/topics/alerts"
      role     = "roles/pubsub.publisher"
      member   = "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
    })
    error_message = "Cloud Monitoring's notification agent must be allowed to publish to the alert topic, and the grant listed in iam_grants."
  }

  assert {
    condition = length(module.monitoring.alert_policies.token_spend.filters) == 2 && strcontains(
    module.monitoring.alert_policies.token_spend.filters[1], "user_${module.monitoring.log_metrics.cost_usd.name}_sum")
    error_message = "A daily cost threshold must add a condition on the ledger's cost log-based metric."
  }
}

# The module's own input validation, each bad value rejected before anything is planned.
run "channel_inputs_are_validated" {
  command = plan
  module {
    source = "./modules/monitoring"
  }

  variables {
    project_id                = "acme-genops-dev"
    name_prefix               = "genops-dev"
    composer_environment_name = "genops-dev"
    airflow_uri               = "https://example.composer.googleusercontent.com"
    deploy_trigger_id         = "0000-1111"
    usage_table               = "acme-genops-dev.genops.gemini_usage"
    usage_view                = "acme-genops-dev.genops.gemini_usage_daily"
    notification_channels     = { emails = ["not-an-address"], pubsub_topic = "alerts", webhook_url = "http://hooks.example.com" }
  }

  expect_failures = [var.notification_channels]
}

run "thresholds_and_budget_are_validated" {
  command = plan
  module {
    source = "./modules/monitoring"
  }

  variables {
    project_id                = "acme-genops-dev"
    name_prefix               = "genops-dev"
    composer_environment_name = "genops-dev"
    airflow_uri               = "https://example.composer.googleusercontent.com"
    deploy_trigger_id         = "0000-1111"
    usage_table               = "acme-genops-dev.genops.gemini_usage"
    usage_view                = "acme-genops-dev.genops.gemini_usage_daily"
    thresholds                = { dag_failed_runs = 0, dag_failure_window = "60s", daily_tokens = 0 }
    billing_budget            = { billing_account = "my-account", amount = 0 }
  }

  expect_failures = [var.thresholds, var.billing_budget]
}

run "usage_table_name_is_validated" {
  command = plan

  variables {
    genops_usage_table = "gemini-usage"
  }

  expect_failures = [var.genops_usage_table]
}
