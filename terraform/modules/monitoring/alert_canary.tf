resource "google_monitoring_alert_policy" "canary_regression" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: served model regressed (canary)"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channel_ids
  user_labels           = var.labels

  conditions {
    display_name = "canary_evaluation found a metric below its baseline beyond the tolerance"
    condition_matched_log {
      filter = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.canary_regression}"
      label_extractors = {
        metric = "REGEXP_EXTRACT(textPayload, \"\\\"metric\\\": \\\"([a-z_0-9]+)\\\"\")"
        model  = "REGEXP_EXTRACT(textPayload, \"\\\"model\\\": \\\"([^\\\"]+)\\\"\")"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
    notification_rate_limit {
      period = var.thresholds.notification_interval
    }
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "[${var.name_prefix}] served model $${log.extracted_label.model} regressed on $${log.extracted_label.metric}"
    content   = <<-EOT
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
}
