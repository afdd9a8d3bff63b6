variable "project_id" {
  type        = string
  description = "Project that holds the dataset."
}

variable "location" {
  type        = string
  description = "Dataset location (a region or multi-region)."
}

variable "dataset_id" {
  type        = string
  description = "Dataset that holds the evaluation results (GENOPS_BQ_DATASET)."
}

variable "table_id" {
  type        = string
  description = "Table of evaluation rows (GENOPS_BQ_TABLE)."
}

variable "view_id" {
  type        = string
  description = "View with the latest evaluation of each model configuration."
  default     = "latest_model_scores"
}

variable "table_schema" {
  type        = string
  description = "BigQuery JSON schema of the table: the shared file dags/genops/schemas/model_evaluations.json, which the DAGs also read."
}

variable "labels" {
  type        = map(string)
  description = "Labels set on the dataset, table and view."
  default     = {}
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key that encrypts the dataset's tables; null uses Google-managed keys. The key must be in the dataset's location and usable by the project's BigQuery service agent (modules/cmek)."
  default     = null
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the evaluations table (and its history) on destroy or replacement."
  default     = true
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
}
