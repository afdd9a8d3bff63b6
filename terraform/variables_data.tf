variable "data_bucket_force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the data and log buckets with their objects. Keep false outside throwaway environments."
  default     = false
}

variable "storage_usage_logs" {
  type        = bool
  description = "Write the data bucket's Cloud Storage usage and storage logs to an access-log bucket. Off by default: Cloud Storage writes them as group:cloud-storage-analytics@google.com, a grant the organization policy iam.allowedPolicyMemberDomains (domain-restricted sharing) rejects. Cloud Audit Logs data-access logs are the alternative."
  default     = false
}

variable "storage_lifecycle" {
  type = object({
    reports_nearline_after_days        = optional(number, 30)
    noncurrent_versions_retention_days = optional(number, 30)
    access_logs_retention_days         = optional(number, 365)
  })
  description = "Ages in days: when evaluation reports (objects under genops_reports_prefix) move to NEARLINE, how long replaced or deleted object versions stay recoverable (both buckets), how long access logs are kept."
  default     = {}

  validation {
    condition     = alltrue([for days in values(var.storage_lifecycle) : days >= 1 && floor(days) == days])
    error_message = "Every storage_lifecycle value must be a whole number of days, 1 or more."
  }
}

variable "bigquery_dataset_id" {
  type        = string
  description = "Dataset of evaluation results (GENOPS_BQ_DATASET)."
  default     = "genops"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.bigquery_dataset_id)) && length(var.bigquery_dataset_id) <= 1024
    error_message = "bigquery_dataset_id must be 1 to 1024 letters, digits or underscores (no hyphens), e.g. \"genops\"."
  }
}

variable "bigquery_table_id" {
  type        = string
  description = "Table of evaluation rows (GENOPS_BQ_TABLE)."
  default     = "model_evaluations"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.bigquery_table_id)) && length(var.bigquery_table_id) <= 1024
    error_message = "bigquery_table_id must be 1 to 1024 letters, digits or underscores (no hyphens), e.g. \"model_evaluations\"."
  }
}
