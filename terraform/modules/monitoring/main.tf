locals {
  # The one list of metric types and log filters this module may use (catalogue.json, with the
  # Google documentation page of each). Nothing below spells a metric type or log name itself.
  catalogue  = jsondecode(file("${path.module}/catalogue.json"))
  metric     = { for key, m in local.catalogue.metrics : key => m.type }
  log_filter = { for key, f in local.catalogue.log_filters : key => replace(f.filter, "{project}", var.project_id) }
  marker     = { for key, m in local.catalogue.log_markers : key => m.match }

  environment = "resource.labels.environment_name=\"${var.composer_environment_name}\""
  composer_env_filter = {
    for key in ["composer_healthy", "composer_parse_errors", "composer_total_parse_time", "composer_scheduler_heartbeats", "composer_active_triggerers"] :
    key => "metric.type=\"${local.metric[key]}\" AND resource.type=\"cloud_composer_environment\" AND ${local.environment}"
  }
  failed_runs_filter = "metric.type=\"${local.metric.composer_dag_runs}\" AND resource.type=\"cloud_composer_workflow\" AND ${local.environment} AND metric.labels.state=\"failed\""

  # Log-based metric names: underscores only, so PromQL can name them (logging_googleapis_com:user_<name>).
  metric_prefix = replace(var.name_prefix, "-", "_")
  usage_lines   = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.gemini_usage}"
  # PromQL names of the two distributions' sums (catalogue: user_log_metric).
  promql_sum = {
    for key, m in google_logging_metric.usage :
    key => "${replace(trimsuffix(local.metric.user_log_metric, "/user/"), ".", "_")}:user_${m.name}_sum{monitored_resource=\"cloud_composer_environment\"}"
  }

  channel_ids = concat(
    [for channel in google_monitoring_notification_channel.email : channel.id],
    [for channel in google_monitoring_notification_channel.pubsub : channel.id],
    [for channel in google_monitoring_notification_channel.webhook : channel.id],
  )

  build_link = "https://console.cloud.google.com/cloud-build/builds;region=${var.deploy_trigger_location}/$${log.extracted_label.build_id}?project=${var.project_id}"
}

data "google_project" "this" {
  project_id = var.project_id
}

# --- Notification channels --------------------------------------------------------------------------

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.notification_channels.emails)

  project      = var.project_id
  display_name = "${var.name_prefix} alerts: ${each.value}"
  type         = "email"
  labels       = { email_address = each.value } # channel settings (not resource labels): user_labels below
  user_labels  = var.labels
}

resource "google_monitoring_notification_channel" "pubsub" {
  count = var.notification_channels.pubsub_topic == null ? 0 : 1

  project      = var.project_id
  display_name = "${var.name_prefix} alerts: Pub/Sub"
  type         = "pubsub"
  labels       = { topic = var.notification_channels.pubsub_topic }
  user_labels  = var.labels

  depends_on = [google_pubsub_topic_iam_member.monitoring_publisher]
}

# Cloud Monitoring publishes as its notification service agent, which needs publisher on that topic only.
# The agent is created first (Google creates it lazily otherwise, and the grant would fail).
# google-beta: the GA provider has no google_project_service_identity (services.generateServiceIdentity).
resource "google_project_service_identity" "monitoring" {
  provider = google-beta
  count    = var.notification_channels.pubsub_topic == null ? 0 : 1

  project = var.project_id
  service = "monitoring.googleapis.com"
}

resource "google_pubsub_topic_iam_member" "monitoring_publisher" {
  count = var.notification_channels.pubsub_topic == null ? 0 : 1

  topic  = var.notification_channels.pubsub_topic
  role   = "roles/pubsub.publisher"
  member = google_project_service_identity.monitoring[0].member
}

resource "google_monitoring_notification_channel" "webhook" {
  count = var.notification_channels.webhook_url == null ? 0 : 1

  project      = var.project_id
  display_name = "${var.name_prefix} alerts: webhook"
  type         = "webhook_tokenauth"
  labels       = { url = var.notification_channels.webhook_url }
  user_labels  = var.labels
}

# --- Log-based metrics of the usage ledger's per-call log line (dags/genops/usage) -------------------

resource "google_logging_metric" "usage" {
  for_each = {
    tokens = {
      field       = "total_tokens"
      number      = "[0-9]+"
      unit        = "1"
      description = "Gemini tokens spent per call (prompt + output + thinking), from the usage ledger's log line."
    }
    cost_usd = {
      field       = "estimated_cost_usd"
      number      = "[0-9.eE+-]+"
      unit        = "USD"
      description = "Estimated USD cost per Gemini call from the repository's price table; calls of unpriced models carry null and are not counted."
    }
  }

  project         = var.project_id
  name            = "${local.metric_prefix}_gemini_${each.key}"
  description     = each.value.description
  filter          = local.usage_lines
  value_extractor = "REGEXP_EXTRACT(textPayload, \"\\\"${each.value.field}\\\": (${each.value.number})\")"

  label_extractors = {
    model  = "REGEXP_EXTRACT(textPayload, \"\\\"model\\\": \\\"([^\\\"]+)\\\"\")"
    dag_id = "REGEXP_EXTRACT(textPayload, \"\\\"dag_id\\\": \\\"([^\\\"]+)\\\"\")"
  }

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = each.value.unit
    display_name = "${var.name_prefix} Gemini ${each.key}"

    labels {
      key         = "model"
      value_type  = "STRING"
      description = "Model or tuned endpoint called."
    }
    labels {
      key         = "dag_id"
      value_type  = "STRING"
      description = "DAG that made the call."
    }
  }

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 64
      growth_factor      = 2
      scale              = 0.0001
    }
  }
}

# --- Alert policies ---------------------------------------------------------------------------------
# One entry per policy, keyed as the module's alert_policies output. Each condition names its kind by the
# block it becomes (condition_threshold, condition_absent, condition_matched_log or
# condition_prometheus_query_language); rate_limit, when set, adds an alert strategy that closes the
# incident after a day and notifies at most once per that period. Every policy is OR-combined, notifies
# every channel and carries the module's labels; its documentation is the runbook entry.

locals {
  alert_policies = {
    environment_unhealthy = {
      display_name = "Composer environment unhealthy"
      severity     = "CRITICAL"
      conditions = [{
        display_name = "liveness DAG airflow_monitoring failing"
        condition_threshold = {
          filter          = local.composer_env_filter.composer_healthy
          comparison      = "COMPARISON_LT"
          threshold_value = 0.9
          duration        = "600s"
          aggregations    = { alignment_period = "300s", per_series_aligner = "ALIGN_FRACTION_TRUE" }
        }
      }]
      subject = "Composer environment ${var.composer_environment_name} is unhealthy"
      content = <<-EOT
        **What broke:** Composer's liveness DAG `airflow_monitoring` has been failing for 10 minutes in
        environment `${var.composer_environment_name}`: no DAG can be trusted to run.

        **First check:** Cloud Composer > ${var.composer_environment_name} > Monitoring (environment health,
        scheduler, database); then `airflow_monitoring` runs in the [Airflow UI](${var.airflow_uri}).
        A maintenance window or an image upgrade in progress explains a short dip.

        **Where:** `gcloud composer environments describe ${var.composer_environment_name}`; logs in Cloud
        Logging, resource "Cloud Composer Environment". Runbook: docs/operations.md#composer-environment-unhealthy
      EOT
    }

    dag_runs_failing = {
      display_name = "DAG runs failing"
      severity     = "ERROR"
      conditions = [{
        display_name = "failed runs of one DAG within ${var.thresholds.dag_failure_window}"
        condition_threshold = {
          filter          = local.failed_runs_filter
          comparison      = "COMPARISON_GT"
          threshold_value = var.thresholds.dag_failed_runs - 1
          duration        = "0s"
          aggregations = {
            alignment_period     = var.thresholds.dag_failure_window
            per_series_aligner   = "ALIGN_SUM"
            cross_series_reducer = "REDUCE_SUM"
            group_by_fields      = ["resource.label.workflow_name"]
          }
        }
      }]
      subject = "DAG $${resource.label.workflow_name} is failing"
      content = <<-EOT
        **What broke:** DAG `$${resource.label.workflow_name}` had ${var.thresholds.dag_failed_runs} or more
        failed runs within ${var.thresholds.dag_failure_window} in `${var.composer_environment_name}`.

        **First check:** the failed task's log in the [Airflow UI](${var.airflow_uri}) (Grid view, red task).
        A gate that stopped a run is a skip, not a failure; a failure is a task error: missing setting,
        permission, quota (429) or a model error.

        **Where:** Airflow UI > DAG `$${resource.label.workflow_name}` > failed run; the environment's
        Airflow worker logs in Cloud Logging. Runbook: docs/operations.md#dag-runs-failing
      EOT
    }

    dag_parse_errors = {
      display_name = "DAG files failing to parse"
      severity     = "ERROR"
      conditions = [{
        display_name = "DAG file import errors"
        condition_threshold = {
          filter          = local.composer_env_filter.composer_parse_errors
          comparison      = "COMPARISON_GT"
          threshold_value = 0
          duration        = "0s"
          aggregations    = { alignment_period = "300s", per_series_aligner = "ALIGN_SUM" }
        }
      }]
      subject = "DAG import errors in ${var.composer_environment_name}"
      content = <<-EOT
        **What broke:** the DAG processor of `${var.composer_environment_name}` cannot import at least one
        DAG file: that DAG is missing or stale in Airflow.

        **First check:** the import errors banner in the [Airflow UI](${var.airflow_uri}) names each file and
        its error; `make test-dags` reproduces the parse locally. A deploy just happened? See the last
        `deploy` build.

        **Where:** Airflow UI (DAGs page, import errors); Cloud Logging `airflow-dag-processor-manager`
        and `dag-processor` logs. Runbook: docs/operations.md#dag-files-failing-to-parse
      EOT
    }

    dag_processor_behind = {
      display_name = "DAG processor falling behind"
      severity     = "WARNING"
      conditions = [{
        display_name = "one parse of the DAG folder takes over ${var.thresholds.parse_time_seconds} s"
        condition_threshold = {
          filter          = local.composer_env_filter.composer_total_parse_time
          comparison      = "COMPARISON_GT"
          threshold_value = var.thresholds.parse_time_seconds
          duration        = "900s"
          aggregations    = { alignment_period = "300s", per_series_aligner = "ALIGN_MEAN" }
        }
      }]
      subject = "DAG processor is falling behind in ${var.composer_environment_name}"
      content = <<-EOT
        **What broke:** parsing the whole DAG folder of `${var.composer_environment_name}` has taken more than
        ${var.thresholds.parse_time_seconds} s for 15 minutes: new and changed DAGs appear late, and files near
        the processor timeout start failing.

        **First check:** which file is slow: `make benchmark` locally (cold and warm parse per file), and the
        DAG processor's CPU and memory on the environment's Monitoring page. Heavy imports at module level are
        the usual cause; otherwise raise `composer_workloads.dag_processor`.

        **Where:** Cloud Composer > ${var.composer_environment_name} > Monitoring > DAG processing.
        Runbook: docs/operations.md#dag-processor-falling-behind
      EOT
    }

    heartbeat_missing = {
      display_name = "scheduler or triggerer heartbeat missing"
      severity     = "CRITICAL"
      conditions = [
        {
          display_name = "no scheduler heartbeat for ${var.thresholds.heartbeat_absent_for}"
          condition_absent = {
            filter       = local.composer_env_filter.composer_scheduler_heartbeats
            duration     = var.thresholds.heartbeat_absent_for
            aggregations = { alignment_period = "300s", per_series_aligner = "ALIGN_SUM" }
          }
        },
        {
          display_name = "no active triggerer for ${var.thresholds.heartbeat_absent_for}"
          condition_threshold = {
            filter          = local.composer_env_filter.composer_active_triggerers
            comparison      = "COMPARISON_LT"
            threshold_value = 1
            duration        = var.thresholds.heartbeat_absent_for
            aggregations    = { alignment_period = "300s", per_series_aligner = "ALIGN_MIN" }
          }
        },
      ]
      subject = "Airflow scheduler or triggerer down in ${var.composer_environment_name}"
      content = <<-EOT
        **What broke:** the scheduler of `${var.composer_environment_name}` stopped heartbeating, or no
        triggerer is running: nothing gets scheduled, and deferred tasks (the GenAI operators' waits) hang.

        **First check:** Cloud Composer > ${var.composer_environment_name} > Monitoring > Schedulers /
        Triggerers (restarts, CPU, memory). Memory pressure or a crash loop shows there first; an upgrade or
        maintenance restart recovers by itself within minutes.

        **Where:** Cloud Logging, `airflow-scheduler` and `airflow-triggerer` logs of the environment.
        Runbook: docs/operations.md#scheduler-or-triggerer-heartbeat-missing
      EOT
    }

    tuning_job_failed = {
      display_name = "Vertex AI tuning job failed"
      severity     = "ERROR"
      conditions = [{
        display_name = "tuning job ended without a model (failed, cancelled, expired, partially succeeded, paused)"
        condition_matched_log = {
          filter = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.tuning_job_ended_badly}"
          label_extractors = {
            tuning_job = "REGEXP_EXTRACT(textPayload, \"Tuning job (\\\\S+) \")"
            state      = "REGEXP_EXTRACT(textPayload, \"\\\\((JOB_STATE_[A-Z_]+)\\\\)\")"
          }
        }
      }]
      rate_limit = var.thresholds.notification_interval
      subject    = "tuning job $${log.extracted_label.tuning_job} ended $${log.extracted_label.state}"
      content    = <<-EOT
        **What broke:** Vertex AI tuning job `$${log.extracted_label.tuning_job}` ended
        `$${log.extracted_label.state}`; the DAG that started it failed at `wait_for_tuning_job` and nothing was
        promoted.

        **First check:** the job's error: `gcloud ai tuning-jobs describe $${log.extracted_label.tuning_job}`
        (the task log quotes it too). Bad training data fails earlier, in `validate_training_data`; quota and
        permission errors (the Vertex AI service agent reading the data bucket) show here.

        **Where:** Vertex AI > Tuning in the console; the `wait_for_tuning_job` task log in the
        [Airflow UI](${var.airflow_uri}). Runbook: docs/operations.md#vertex-ai-tuning-job-failed
      EOT
    }

    token_spend = {
      display_name = "Gemini spend above the daily threshold"
      severity     = "WARNING"
      conditions = concat(
        [{
          display_name                        = "more than ${var.thresholds.daily_tokens} tokens in 24 hours"
          condition_prometheus_query_language = { query = "sum(increase(${local.promql_sum.tokens}[1d])) > ${var.thresholds.daily_tokens}", duration = "0s" }
        }],
        [for usd in var.thresholds.daily_cost_usd[*] : {
          display_name                        = "more than ${usd} USD (estimated) in 24 hours"
          condition_prometheus_query_language = { query = "sum(increase(${local.promql_sum.cost_usd}[1d])) > ${usd}", duration = "0s" }
        }],
      )
      subject = "Gemini spend above the daily threshold"
      content = <<-EOT
        **What happened:** the DAGs of `${var.composer_environment_name}` spent more than
        ${var.thresholds.daily_tokens} Gemini tokens in the last 24 hours (from the usage ledger's log lines).

        **First check:** which DAG and model: `SELECT * FROM \`${var.usage_view}\` WHERE day = CURRENT_DATE()
        ORDER BY total_tokens DESC`, or the dashboard's tokens per model chart. A retry loop or a new mapped
        task is the usual cause. `GENOPS_DAILY_TOKEN_BUDGET` stops further spending at the DAGs' gates.

        **Where:** BigQuery table `${var.usage_table}` (one row per call), the GenOps dashboard.
        Runbook: docs/operations.md#gemini-spend-above-the-daily-threshold
      EOT
    }

    deploy_build_failed = {
      display_name = "DAG deploy build failed"
      severity     = "ERROR"
      conditions = [{
        display_name = "a build of the deploy trigger failed"
        condition_matched_log = {
          filter           = "${local.log_filter.cloud_build_logs} AND resource.labels.build_trigger_id=\"${var.deploy_trigger_id}\" AND ${local.marker.build_failed}"
          label_extractors = { build_id = "EXTRACT(resource.labels.build_id)" }
        }
      }]
      rate_limit = "300s"
      subject    = "DAG deploy to ${var.composer_environment_name} failed (build $${log.extracted_label.build_id})"
      content    = <<-EOT
        **What broke:** build `$${log.extracted_label.build_id}` of the deploy trigger failed: the DAGs in
        environment `${var.composer_environment_name}` are not (all) the pushed commit's.

        **Commit:** `gcloud builds describe $${log.extracted_label.build_id} --region=${var.deploy_trigger_location}
        --format='value(substitutions.COMMIT_SHA)'` (also on the build's page).

        **Failing file:** the failed step's log names it: `deploy-dags` prints each DAG file with an import
        error and its error; a test step names the failing test. [Open the build](${local.build_link}).

        **First check:** re-run `make test` on that commit; a permission error points at the build account
        (docs/troubleshooting.md#missing-permissions). Runbook: docs/operations.md#dag-deploy-build-failed
      EOT
    }

    canary_regression = {
      display_name = "served model regressed (canary)"
      severity     = "ERROR"
      conditions = [{
        display_name = "canary_evaluation found a metric below its baseline beyond the tolerance"
        condition_matched_log = {
          filter = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.canary_regression}"
          label_extractors = {
            metric = "REGEXP_EXTRACT(textPayload, \"\\\"metric\\\": \\\"([a-z_0-9]+)\\\"\")"
            model  = "REGEXP_EXTRACT(textPayload, \"\\\"model\\\": \\\"([^\\\"]+)\\\"\")"
          }
        }
      }]
      rate_limit = var.thresholds.notification_interval
      subject    = "served model $${log.extracted_label.model} regressed on $${log.extracted_label.metric}"
      content    = <<-EOT
        **What broke:** the daily `canary_evaluation` run scored the served model
        `$${log.extracted_label.model}` on `$${log.extracted_label.metric}` further below its baseline than
        GENOPS_REGRESSION_TOLERANCE allows. Nothing was deployed by the canary: what is served changed its answers
        (an auto-updated model alias moved, an endpoint was redeployed) or the evaluation data changed.

        **First check:** the `compare_with_baseline` task's XCom "decision" in the
        [Airflow UI](${var.airflow_uri}) (metric, baseline, value, drop) and the canary's `canary` rows in
        BigQuery table model_evaluations next to the `served` row that set the baseline. Re-run the canary once
        to rule out noise; if the drop holds, reject the model: serve the previous one by approving a
        `genops_pipeline` run, or pin a versioned model id.

        **Where:** Airflow UI > DAG `canary_evaluation`; BigQuery model_evaluations (model_config `canary` and
        `served`). Runbook: docs/approval-and-canary.md#when-the-canary-pages-runbook.
      EOT
    }

    model_lifecycle = {
      display_name = "Gemini model retiring"
      severity     = "WARNING"
      conditions = [{
        display_name = "a configured Gemini model retires within 30 days, or has retired"
        condition_matched_log = {
          filter = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.model_lifecycle_warning}"
          label_extractors = {
            status  = "REGEXP_EXTRACT(textPayload, \"status=(\\\\S+)\")"
            setting = "REGEXP_EXTRACT(textPayload, \"setting=(\\\\S+)\")"
            model   = "REGEXP_EXTRACT(textPayload, \"model=(\\\\S+)\")"
            retires = "REGEXP_EXTRACT(textPayload, \"retires=(\\\\S+)\")"
          }
        }
      }]
      rate_limit = var.thresholds.notification_interval
      auto_close = "604800s" # a retirement stays true for days: one incident a week, not one a day
      subject    = "Gemini model $${log.extracted_label.model} ($${log.extracted_label.setting}) is $${log.extracted_label.status}: retires $${log.extracted_label.retires}"
      content    = <<-EOT
        **What is coming:** `$${log.extracted_label.setting}` uses `$${log.extracted_label.model}`, which Google
        retires on $${log.extracted_label.retires} (status `$${log.extracted_label.status}`). On that day every
        request to it answers 404 and every DAG using it fails its preflight; a tuned endpoint on that base model
        stops serving too.

        **First check:** the `model_lifecycle` DAG's last run in the [Airflow UI](${var.airflow_uri}): its
        `check_model_lifecycle` decision names the replacement. The model table `dags/genops/models/models.json`
        holds the dates, with the Google page each was read from.

        **Where:** Airflow UI > DAG `model_lifecycle` > `check_model_lifecycle`; the model table and its sources
        in docs/models.md#the-models-and-their-dates.

        **Fix:** follow docs/models.md#how-to-migrate: compare the replacement with `model_comparison`, set
        the `genops_*_model` variable in the environment's tfvars and apply; for a tuned endpoint, re-tune on
        the replacement base model (`supervised_fine_tuning`) and promote it only if it meets the thresholds.
      EOT
    }
  }

  # Every condition with each kind present (null where absent), so the blocks below read one shape.
  condition_kinds = { condition_threshold = null, condition_absent = null, condition_matched_log = null, condition_prometheus_query_language = null }
}

resource "google_monitoring_alert_policy" "this" {
  for_each = local.alert_policies

  project               = var.project_id
  display_name          = "${var.name_prefix}: ${each.value.display_name}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = local.channel_ids
  user_labels           = var.labels

  dynamic "conditions" {
    for_each = [for c in each.value.conditions : merge(local.condition_kinds, c)]
    content {
      display_name = conditions.value.display_name

      dynamic "condition_threshold" {
        for_each = conditions.value.condition_threshold[*]
        content {
          filter          = condition_threshold.value.filter
          comparison      = condition_threshold.value.comparison
          threshold_value = condition_threshold.value.threshold_value
          duration        = condition_threshold.value.duration
          aggregations {
            alignment_period     = condition_threshold.value.aggregations.alignment_period
            per_series_aligner   = condition_threshold.value.aggregations.per_series_aligner
            cross_series_reducer = lookup(condition_threshold.value.aggregations, "cross_series_reducer", null)
            group_by_fields      = lookup(condition_threshold.value.aggregations, "group_by_fields", null)
          }
        }
      }

      dynamic "condition_absent" {
        for_each = conditions.value.condition_absent[*]
        content {
          filter   = condition_absent.value.filter
          duration = condition_absent.value.duration
          aggregations {
            alignment_period   = condition_absent.value.aggregations.alignment_period
            per_series_aligner = condition_absent.value.aggregations.per_series_aligner
          }
        }
      }

      dynamic "condition_matched_log" {
        for_each = conditions.value.condition_matched_log[*]
        content {
          filter           = condition_matched_log.value.filter
          label_extractors = condition_matched_log.value.label_extractors
        }
      }

      dynamic "condition_prometheus_query_language" {
        for_each = conditions.value.condition_prometheus_query_language[*]
        content {
          query    = condition_prometheus_query_language.value.query
          duration = condition_prometheus_query_language.value.duration
        }
      }
    }
  }

  dynamic "alert_strategy" {
    for_each = lookup(each.value, "rate_limit", null)[*]
    content {
      auto_close = lookup(each.value, "auto_close", "86400s")
      notification_rate_limit {
        period = alert_strategy.value
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "[${var.name_prefix}] ${each.value.subject}"
    content   = each.value.content
  }
}

# --- Dashboard --------------------------------------------------------------------------------------

resource "google_monitoring_dashboard" "genops" {
  project = var.project_id
  dashboard_json = templatefile("${path.module}/dashboard.json.tftpl", {
    title          = "${var.name_prefix}: GenOps"
    healthy        = local.composer_env_filter.composer_healthy
    dag_runs       = "metric.type=\"${local.metric.composer_dag_runs}\" AND resource.type=\"cloud_composer_workflow\" AND ${local.environment}"
    parse_errors   = local.composer_env_filter.composer_parse_errors
    parse_time     = local.composer_env_filter.composer_total_parse_time
    heartbeats     = local.composer_env_filter.composer_scheduler_heartbeats
    tokens_promql  = "sum by (model) (increase(${local.promql_sum.tokens}[1d]))"
    cost_promql    = "sum by (model) (increase(${local.promql_sum.cost_usd}[1d]))"
    dag_tokens     = "sum by (dag_id) (increase(${local.promql_sum.tokens}[1d]))"
    tuning_filter  = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.tuning_job_ended_badly}"
    alert_policies = [for policy in local.policies : policy.name]
    usage_view     = var.usage_view
  })
}

locals {
  policies = google_monitoring_alert_policy.this
}

# --- Optional Cloud Billing budget --------------------------------------------------------------------

resource "google_project_service" "billing_budgets" {
  count = var.billing_budget.billing_account == "" ? 0 : 1

  project                    = var.project_id
  service                    = "billingbudgets.googleapis.com"
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_billing_budget" "project" {
  count = var.billing_budget.billing_account == "" ? 0 : 1

  billing_account = var.billing_budget.billing_account
  display_name    = "${var.name_prefix} project budget"

  budget_filter {
    projects = ["projects/${data.google_project.this.number}"]
  }

  amount {
    specified_amount {
      currency_code = var.billing_budget.currency_code
      units         = tostring(floor(var.billing_budget.amount))
    }
  }

  dynamic "threshold_rules" {
    for_each = var.billing_budget.threshold_percents
    content {
      threshold_percent = threshold_rules.value
    }
  }

  all_updates_rule {
    monitoring_notification_channels = local.channel_ids
    disable_default_iam_recipients   = false
  }

  depends_on = [google_project_service.billing_budgets]
}
