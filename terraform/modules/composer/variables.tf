variable "airflow_config_overrides" {
  type        = map(string)
  description = "Airflow configuration overrides (`section-key` => value) applied on top of the platform defaults in this module."
  default     = {}
}

variable "composer_service_agent" {
  type        = string
  description = "IAM member of this project's Cloud Composer service agent (created beforehand); with a Shared VPC network it gets roles/composer.sharedVpcAgent on the host project."
}

variable "deletion_policy" {
  type        = string
  description = "PREVENT: Terraform refuses to destroy or replace the environment. DELETE: it may (throwaway environments)."
  default     = "PREVENT"

  validation {
    condition     = contains(["PREVENT", "DELETE"], var.deletion_policy)
    error_message = "deletion_policy must be PREVENT or DELETE."
  }
}

variable "enable_private_environment" {
  type        = bool
  description = "Run Airflow components without external IP addresses (Composer 3 networking)."
  default     = true
}

variable "environment_size" {
  type        = string
  description = "ENVIRONMENT_SIZE_SMALL, ENVIRONMENT_SIZE_MEDIUM or ENVIRONMENT_SIZE_LARGE (sizes the Airflow database)."
}

variable "genops" {
  type = object({
    project_id               = string
    region                   = string
    data_bucket              = string
    bq_dataset               = string
    bq_table                 = string
    pro_model                = string
    flash_model              = string
    tuning_source_model      = string
    tuned_model_display_name = string
    training_data_object     = string
    reports_prefix           = string
    token_budget             = number
    eval_thresholds          = map(number)
    experiment_name          = string
    eval_concurrency         = number
    eval_mode                = string
    batch_min_examples       = number
    comparison_metric        = string
    samples_prefix           = string
    feedback_table           = string
    video_scenes_table       = string
    insights_source_table    = string
    search_data_store        = string
    airflow_api_url          = string
    translation_language     = string
    usage_table              = string
    daily_token_budget       = string
    daily_cost_budget_usd    = string
    approvers                = string
    approval_timeout         = string
    regression_tolerance     = number
    canary_schedule          = string
    canary_baseline          = string
  })
  description = "Values of the GENOPS_ settings the DAGs read (dags/genops/core/config.py SETTINGS), set as environment variables."
}

variable "image_version" {
  type        = string
  description = "Composer image, `composer-3-airflow-X.Y.Z-build.N`."
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key that encrypts the environment's data; null uses Google-managed keys. Composer's service agents need encrypt/decrypt on it first (terraform/README.md#customer-managed-encryption-cmek)."
  default     = null
}

variable "labels" {
  type        = map(string)
  description = "Labels set on the environment."
  default     = {}
}

variable "maintenance_window" {
  type = object({
    start_time = string
    end_time   = string
    recurrence = string
  })
  description = "When Composer may run maintenance: RFC 3339 start and end times of a first occurrence and an RFC 5545 RRULE."
}

variable "name" {
  type        = string
  description = "Environment name."
}

variable "network" {
  type        = string
  description = "VPC network (id) to attach the environment to; null lets Composer 3 manage networking."
  default     = null
}

variable "network_attachment" {
  type        = string
  description = "Composer 3 network attachment (`projects/<p>/regions/<r>/networkAttachments/<n>`) that connects the environment to a VPC; instead of network/subnetwork. null with both: Composer manages networking."
  default     = null

  validation {
    condition     = var.network_attachment == null || var.network == null
    error_message = "Use network_attachment or network/subnetwork, not both."
  }
}

variable "project_id" {
  type        = string
  description = "Project that holds the environment."
}

variable "pypi_packages" {
  type        = map(string)
  description = "Extra PyPI packages (name => version specifier, e.g. \"==1.2.3\") installed in the environment."
  default     = {}
}

variable "region" {
  type        = string
  description = "Region of the environment."
}

variable "resilience_mode" {
  type        = string
  description = "HIGH_RESILIENCE for a multi-zone environment; null for the standard single-zone one."
  default     = null
}

variable "service_account_email" {
  type        = string
  description = "Email of the user-managed account the environment (and every DAG task) runs as."
}

variable "subnetwork" {
  type        = string
  description = "Subnetwork (id) to attach the environment to; set together with network."
  default     = null

  validation {
    condition     = (var.network == null) == (var.subnetwork == null)
    error_message = "Set network and subnetwork together, or neither."
  }
}

variable "workloads" {
  type = object({
    scheduler     = object({ cpu = number, memory_gb = number, storage_gb = number, count = number })
    triggerer     = object({ cpu = number, memory_gb = number, count = number })
    dag_processor = object({ cpu = number, memory_gb = number, storage_gb = number, count = number })
    web_server    = object({ cpu = number, memory_gb = number, storage_gb = number })
    worker        = object({ cpu = number, memory_gb = number, storage_gb = number, min_count = number, max_count = number })
  })
  description = "CPU, memory (GB), storage (GB) and counts of each Airflow component."
}
