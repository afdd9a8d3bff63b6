variable "data_bucket_force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the data and log buckets with their objects. Keep false outside throwaway environments."
  default     = false
}

variable "reports_nearline_after_days" {
  type        = number
  description = "Age in days after which evaluation reports (objects under genops_reports_prefix) move to NEARLINE storage."
  default     = 30

  validation {
    condition     = var.reports_nearline_after_days >= 1 && floor(var.reports_nearline_after_days) == var.reports_nearline_after_days
    error_message = "reports_nearline_after_days must be a whole number of days, 1 or more."
  }
}

variable "noncurrent_versions_retention_days" {
  type        = number
  description = "Days a replaced or deleted object version stays recoverable before it is deleted (both buckets)."
  default     = 30

  validation {
    condition     = var.noncurrent_versions_retention_days >= 1 && floor(var.noncurrent_versions_retention_days) == var.noncurrent_versions_retention_days
    error_message = "noncurrent_versions_retention_days must be a whole number of days, 1 or more."
  }
}

variable "access_logs_retention_days" {
  type        = number
  description = "Days the data bucket's access logs are kept."
  default     = 365

  validation {
    condition     = var.access_logs_retention_days >= 1 && floor(var.access_logs_retention_days) == var.access_logs_retention_days
    error_message = "access_logs_retention_days must be a whole number of days, 1 or more."
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
