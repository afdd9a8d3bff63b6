output "notification_channel_ids" {
  description = "Ids of the notification channels every alert policy notifies (emails, then Pub/Sub, then webhook)."
  value       = local.channel_ids
}

output "alert_policies" {
  description = "Each alert policy by key: id, resource name, display name, severity, the channels it notifies and its conditions' filters or queries, for tests and reviews."
  value = {
    for key, policy in local.policies : key => {
      id                    = policy.id
      name                  = policy.name
      display_name          = policy.display_name
      severity              = policy.severity
      notification_channels = policy.notification_channels
      documentation         = policy.documentation[0].content
      filters = flatten([
        for condition in policy.conditions : concat(
          [for c in condition.condition_threshold : c.filter],
          [for c in condition.condition_absent : c.filter],
          [for c in condition.condition_matched_log : c.filter],
          [for c in condition.condition_prometheus_query_language : c.query],
        )
      ])
    }
  }
}

output "log_metrics" {
  description = "Log-based metrics of the usage ledger's log line, by key (tokens, cost_usd): name and filter."
  value       = { for key, m in google_logging_metric.usage : key => { name = m.name, filter = m.filter } }
}

output "dashboard" {
  description = "The GenOps dashboard: id and the rendered JSON."
  value       = { id = google_monitoring_dashboard.genops.id, json = google_monitoring_dashboard.genops.dashboard_json }
}

output "billing_budget" {
  description = "Id of the Cloud Billing budget, or null when billing_budget.billing_account is \"\"."
  value       = one(google_billing_budget.project[*].id)
}

output "catalogue" {
  description = "The metric types and log filters this module may use (catalogue.json), with the documentation page of each."
  value       = local.catalogue
}

output "iam_grants" {
  description = "Every grant this module makes, as {scope, resource, role, member}."
  value = [
    for g in google_pubsub_topic_iam_member.monitoring_publisher :
    { scope = "topic", resource = g.topic, role = g.role, member = g.member }
  ]
}
