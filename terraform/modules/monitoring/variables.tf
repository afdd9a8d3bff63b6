variable "project_id" {
  type        = string
  description = "Project that holds the Composer environment, the Cloud Build triggers and these alerts."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every display name and metric name, `<name>-<environment>` (e.g. genops-dev)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must start with a lowercase letter and hold only lowercase letters, digits and hyphens (at most 41)."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels set as user_labels on the notification channels and alert policies."
  default     = {}
}

variable "notification_channels" {
  type = object({
    emails       = optional(list(string), [])
    pubsub_topic = optional(string)
    webhook_url  = optional(string)
  })
  description = "Where alerts go: email addresses, an optional Pub/Sub topic (projects/<p>/topics/<t>; the module lets Cloud Monitoring publish to it) and an optional HTTPS webhook. Every alert policy notifies all of them."
  default     = {}

  validation {
    condition     = alltrue([for email in var.notification_channels.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "notification_channels.emails must be plain email addresses such as \"oncall@example.com\"."
  }

  validation {
    condition     = length(distinct(var.notification_channels.emails)) == length(var.notification_channels.emails)
    error_message = "notification_channels.emails lists an address twice."
  }

  validation {
    condition     = var.notification_channels.pubsub_topic == null || can(regex("^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", coalesce(var.notification_channels.pubsub_topic, "-")))
    error_message = "notification_channels.pubsub_topic must be a topic id, projects/<project>/topics/<topic>."
  }

  validation {
    condition     = var.notification_channels.webhook_url == null || startswith(coalesce(var.notification_channels.webhook_url, "-"), "https://")
    error_message = "notification_channels.webhook_url must be an https:// URL (alerts carry incident details; never send them in clear text)."
  }
}

variable "composer_environment_name" {
  type        = string
  description = "Name of the Composer environment the Composer alerts and the dashboard watch."
}

variable "airflow_uri" {
  type        = string
  description = "URL of the environment's Airflow UI, linked from the alerts' documentation."
}

variable "deploy_trigger_id" {
  type        = string
  description = "Id of the Cloud Build trigger that deploys the DAGs; a failed build of this trigger raises the failed-deploy alert."
}

variable "deploy_trigger_location" {
  type        = string
  description = "Location of that trigger (global, or the region of a second-generation repository), for the build links in the alert."
  default     = "global"
}

variable "usage_table" {
  type        = string
  description = "Fully qualified usage ledger table, `<project>.<dataset>.<table>`, named in the spend alert's documentation."
}

variable "usage_view" {
  type        = string
  description = "Fully qualified view of spend per day, DAG and model, named in the spend alert's documentation."
}

variable "thresholds" {
  type = object({
    dag_failed_runs       = optional(number, 1)
    dag_failure_window    = optional(string, "3600s")
    parse_time_seconds    = optional(number, 120)
    heartbeat_absent_for  = optional(string, "600s")
    daily_tokens          = optional(number, 5000000)
    daily_cost_usd        = optional(number)
    notification_interval = optional(string, "3600s")
  })
  description = "When alerts fire: failed runs of one DAG within dag_failure_window (seconds, e.g. \"3600s\"); seconds one full DAG-folder parse may take; how long missing scheduler heartbeats or triggerers are tolerated; Gemini tokens (and optionally estimated USD) over any 24 hours; the least time between two notifications of one log-based alert."
  default     = {}

  validation {
    condition     = var.thresholds.dag_failed_runs >= 1 && floor(var.thresholds.dag_failed_runs) == var.thresholds.dag_failed_runs
    error_message = "thresholds.dag_failed_runs must be a whole number, 1 or more."
  }

  validation {
    condition = alltrue([for window in [var.thresholds.dag_failure_window, var.thresholds.heartbeat_absent_for, var.thresholds.notification_interval] :
    can(regex("^[1-9][0-9]*s$", window)) && tonumber(trimsuffix(window, "s")) >= 300 && tonumber(trimsuffix(window, "s")) <= 86400])
    error_message = "thresholds.dag_failure_window, heartbeat_absent_for and notification_interval must be whole seconds from \"300s\" to \"86400s\"."
  }

  validation {
    condition     = var.thresholds.parse_time_seconds > 0 && var.thresholds.daily_tokens >= 1 && (var.thresholds.daily_cost_usd == null || coalesce(var.thresholds.daily_cost_usd, 1) > 0)
    error_message = "thresholds.parse_time_seconds, daily_tokens and daily_cost_usd (when set) must be positive."
  }
}

variable "billing_budget" {
  type = object({
    billing_account    = optional(string, "")
    amount             = optional(number, 100)
    currency_code      = optional(string, "USD")
    threshold_percents = optional(list(number), [0.5, 0.9, 1.0])
  })
  description = "Optional Cloud Billing budget on the project: the billing account id (XXXXXX-XXXXXX-XXXXXX; \"\" creates no budget), the monthly amount in currency_code (the billing account's currency), and the fractions of it that notify the channels."
  default     = {}

  validation {
    condition     = var.billing_budget.billing_account == "" || can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_budget.billing_account))
    error_message = "billing_budget.billing_account must be \"\" (no budget) or a billing account id such as 012345-6789AB-CDEF01."
  }

  validation {
    condition     = var.billing_budget.amount > 0 && can(regex("^[A-Z]{3}$", var.billing_budget.currency_code))
    error_message = "billing_budget.amount must be positive and currency_code an ISO 4217 code such as USD."
  }

  validation {
    condition     = length(var.billing_budget.threshold_percents) > 0 && alltrue([for p in var.billing_budget.threshold_percents : p > 0 && p <= 2])
    error_message = "billing_budget.threshold_percents must list fractions of the budget above 0 and at most 2 (e.g. [0.5, 0.9, 1.0])."
  }
}
