variable "dataset_id" {
  type        = string
  description = "Dataset that holds the evaluation results (GENOPS_BQ_DATASET)."
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the evaluations table (and its history) on destroy or replacement."
  default     = true
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key that encrypts the dataset's tables; null uses Google-managed keys. The key must be in the dataset's location and usable by the project's BigQuery service agent (modules/cmek)."
  default     = null
}

variable "labels" {
  type        = map(string)
  description = "Labels set on the dataset, table and view."
  default     = {}
}

variable "location" {
  type        = string
  description = "Dataset location (a region or multi-region)."
}

variable "project_id" {
  type        = string
  description = "Project that holds the dataset."
}

variable "sample_tables" {
  type = map(object({
    table_id        = string
    description     = string
    schema          = string
    partition_field = string
    clustering      = list(string)
  }))
  description = "Tables of the sample DAGs, keyed by a static name: id, description, BigQuery JSON schema (a file in dags/genops/schemas), DAY-partitioning column and clustering columns. Protected like the evaluations table."
  default     = {}
  validation {
    condition     = length(setintersection(keys(var.sample_tables), ["evaluations", "usage"])) == 0
    error_message = "sample_tables: the keys \"evaluations\" and \"usage\" name the evaluations table and the usage ledger; give the sample table another key."
  }
}

variable "table_id" {
  type        = string
  description = "Table of evaluation rows (GENOPS_BQ_TABLE)."
}

variable "table_schema" {
  type        = string
  description = "BigQuery JSON schema of the table: the shared file dags/genops/schemas/model_evaluations.json, which the DAGs also read."
}

variable "usage_table_id" {
  type        = string
  description = "Table of the Gemini usage ledger, one row per call (GENOPS_USAGE_TABLE)."
  default     = "gemini_usage"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.usage_table_id)) && length(var.usage_table_id) <= 1024
    error_message = "usage_table_id must be 1 to 1024 letters, digits or underscores, e.g. \"gemini_usage\"."
  }
}

variable "usage_table_schema" {
  type        = string
  description = "BigQuery JSON schema of the usage ledger: the shared file dags/genops/schemas/gemini_usage.json, which the DAGs also read."
}

variable "usage_view_id" {
  type        = string
  description = "View of Gemini spend per day, DAG and model, read from the usage ledger."
  default     = "gemini_usage_daily"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.usage_view_id)) && length(var.usage_view_id) <= 1024
    error_message = "usage_view_id must be 1 to 1024 letters, digits or underscores."
  }
}

variable "view_id" {
  type        = string
  description = "View with the latest evaluation of each model configuration."
  default     = "latest_model_scores"
}
