resource "google_monitoring_alert_policy" "model_lifecycle" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: Gemini model retiring"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channel_ids
  user_labels           = var.labels

  conditions {
    display_name = "a configured Gemini model retires within 30 days, or has retired"
    condition_matched_log {
      filter = "${local.log_filter.airflow_task_logs} AND ${local.environment} AND ${local.marker.model_lifecycle_warning}"
      label_extractors = {
        status  = "REGEXP_EXTRACT(textPayload, \"status=(\\\\S+)\")"
        setting = "REGEXP_EXTRACT(textPayload, \"setting=(\\\\S+)\")"
        model   = "REGEXP_EXTRACT(textPayload, \"model=(\\\\S+)\")"
        retires = "REGEXP_EXTRACT(textPayload, \"retires=(\\\\S+)\")"
      }
    }
  }

  alert_strategy {
    auto_close = "604800s"
    notification_rate_limit {
      period = var.thresholds.notification_interval
    }
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "[${var.name_prefix}] Gemini model $${log.extracted_label.model} ($${log.extracted_label.setting}) is $${log.extracted_label.status}: retires $${log.extracted_label.retires}"
    content   = <<-EOT
      **What is coming:** `$${log.extracted_label.setting}` uses `$${log.extracted_label.model}`, which Google
      retires on $${log.extracted_label.retires} (status `$${log.extracted_label.status}`). On that day every
      request to it answers 404 and every DAG using it fails its preflight; a tuned endpoint on that base model
      stops serving too.

      **First check:** the `model_lifecycle` DAG's last run in the [Airflow UI](${var.airflow_uri}): its
      `check_model_lifecycle` decision names the replacement. The model table `dags/genops/models/models.json`
      holds the dates, with the Google page each was read from.

      **Fix:** follow docs/models.md, "How to migrate": compare the replacement with `model_comparison`, set
      the `genops_*_model` variable in the environment's tfvars and apply; for a tuned endpoint, re-tune on
      the replacement base model (`supervised_fine_tuning`) and promote it only if it meets the thresholds.
    EOT
  }
}
