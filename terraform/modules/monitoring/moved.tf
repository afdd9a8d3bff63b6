# The alert policies were one resource each before they became entries of local.alert_policies: these
# blocks move existing state to the new addresses, so an apply updates nothing and recreates nothing.

moved {
  from = google_monitoring_alert_policy.environment_unhealthy
  to   = google_monitoring_alert_policy.this["environment_unhealthy"]
}

moved {
  from = google_monitoring_alert_policy.dag_runs_failing
  to   = google_monitoring_alert_policy.this["dag_runs_failing"]
}

moved {
  from = google_monitoring_alert_policy.dag_parse_errors
  to   = google_monitoring_alert_policy.this["dag_parse_errors"]
}

moved {
  from = google_monitoring_alert_policy.dag_processor_behind
  to   = google_monitoring_alert_policy.this["dag_processor_behind"]
}

moved {
  from = google_monitoring_alert_policy.heartbeat_missing
  to   = google_monitoring_alert_policy.this["heartbeat_missing"]
}

moved {
  from = google_monitoring_alert_policy.tuning_job_failed
  to   = google_monitoring_alert_policy.this["tuning_job_failed"]
}

moved {
  from = google_monitoring_alert_policy.token_spend
  to   = google_monitoring_alert_policy.this["token_spend"]
}

moved {
  from = google_monitoring_alert_policy.deploy_build_failed
  to   = google_monitoring_alert_policy.this["deploy_build_failed"]
}
