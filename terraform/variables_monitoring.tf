# Alerting and the Gemini usage ledger (monitoring.tf, modules/monitoring, modules/bigquery, the table "usage").

variable "alert_notification_channels" {
  type = object({
    emails       = optional(list(string), [])
    pubsub_topic = optional(string)
    webhook_url  = optional(string)
  })
  description = "Where alerts go: email addresses, an optional Pub/Sub topic (projects/<p>/topics/<t>) and an optional https webhook. Empty (default): the policies still open incidents in Cloud Monitoring, but notify no one."
  default     = {}
}

variable "alert_thresholds" {
  type = object({
    dag_failed_runs       = optional(number, 1)
    dag_failure_window    = optional(string, "3600s")
    parse_time_seconds    = optional(number, 120)
    heartbeat_absent_for  = optional(string, "600s")
    daily_tokens          = optional(number, 5000000)
    daily_cost_usd        = optional(number)
    notification_interval = optional(string, "3600s")
  })
  description = "When alerts fire (see modules/monitoring): failed runs of one DAG per window, seconds one DAG-folder parse may take, how long heartbeats may be missing, Gemini tokens (and optionally estimated USD) per 24 hours, least time between two notifications of a log-based alert."
  default     = {}
}

variable "billing_budget" {
  type = object({
    billing_account    = optional(string, "")
    amount             = optional(number, 100)
    currency_code      = optional(string, "USD")
    threshold_percents = optional(list(number), [0.5, 0.9, 1.0])
  })
  description = "Optional Cloud Billing budget on the project: billing account id (\"\", the default, creates none), monthly amount and currency, and the fractions that notify the alert channels. Needs Billing Account Costs Manager on the account for whoever applies."
  default     = {}
}

variable "genops_daily_cost_budget_usd" {
  type        = string
  description = "Estimated USD all DAGs may spend on Gemini per UTC day before their daily spend gates stop runs (GENOPS_DAILY_COST_BUDGET_USD, priced from dags/genops/models/models.json); \"\" (default): no daily cost limit."
  default     = ""

  validation {
    condition     = var.genops_daily_cost_budget_usd == "" || (can(tonumber(var.genops_daily_cost_budget_usd)) && try(tonumber(var.genops_daily_cost_budget_usd) > 0, false))
    error_message = "genops_daily_cost_budget_usd must be \"\" (no limit) or a positive number of US dollars, e.g. \"25\"."
  }
}

variable "genops_daily_token_budget" {
  type        = string
  description = "Gemini tokens all DAGs may spend per UTC day before their daily spend gates stop runs (GENOPS_DAILY_TOKEN_BUDGET); \"\" (default): no daily token limit."
  default     = ""

  validation {
    condition     = var.genops_daily_token_budget == "" || can(regex("^[1-9][0-9]*$", var.genops_daily_token_budget))
    error_message = "genops_daily_token_budget must be \"\" (no limit) or a positive whole number of tokens, e.g. \"2000000\"."
  }
}

variable "genops_usage_table" {
  type        = string
  description = "Table of the Gemini usage ledger in the evaluations dataset, one row per Gemini call (GENOPS_USAGE_TABLE)."
  default     = "gemini_usage"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.genops_usage_table)) && length(var.genops_usage_table) <= 1024
    error_message = "genops_usage_table must be 1 to 1024 letters, digits or underscores, e.g. \"gemini_usage\"."
  }
}
