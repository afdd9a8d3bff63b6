variable "composer_image_version" {
  type        = string
  description = "Composer 3 image. Its Airflow version must match the apache-airflow pin in requirements/ that the tests run against."
  default     = "composer-3-airflow-3.2.2-build.5"

  validation {
    condition     = can(regex("^composer-3-airflow-[0-9]+\\.[0-9]+\\.[0-9]+-build\\.[0-9]+$", var.composer_image_version))
    error_message = "composer_image_version must be a full Composer 3 image version, composer-3-airflow-X.Y.Z-build.N (e.g. \"composer-3-airflow-3.2.2-build.5\"); aliases such as \"latest\" are not accepted so upgrades stay deliberate."
  }
}

variable "composer_environment_size" {
  type        = string
  description = "Size of the environment's Airflow database: ENVIRONMENT_SIZE_SMALL, ENVIRONMENT_SIZE_MEDIUM or ENVIRONMENT_SIZE_LARGE."
  default     = "ENVIRONMENT_SIZE_SMALL"

  validation {
    condition     = contains(["ENVIRONMENT_SIZE_SMALL", "ENVIRONMENT_SIZE_MEDIUM", "ENVIRONMENT_SIZE_LARGE"], var.composer_environment_size)
    error_message = "composer_environment_size must be ENVIRONMENT_SIZE_SMALL, ENVIRONMENT_SIZE_MEDIUM or ENVIRONMENT_SIZE_LARGE."
  }
}

variable "composer_resilience_mode" {
  type        = string
  description = "HIGH_RESILIENCE runs the environment across zones (for prod); null keeps the standard single-zone environment."
  default     = null

  validation {
    condition     = var.composer_resilience_mode == null || contains(["STANDARD_RESILIENCE", "HIGH_RESILIENCE"], coalesce(var.composer_resilience_mode, "-"))
    error_message = "composer_resilience_mode must be null, STANDARD_RESILIENCE or HIGH_RESILIENCE."
  }
}

variable "composer_workloads" {
  type = object({
    scheduler = optional(object({
      cpu        = optional(number, 0.5)
      memory_gb  = optional(number, 2)
      storage_gb = optional(number, 1)
      count      = optional(number, 1)
    }), {})
    triggerer = optional(object({
      cpu       = optional(number, 0.5)
      memory_gb = optional(number, 1)
      count     = optional(number, 1)
    }), {})
    dag_processor = optional(object({
      cpu        = optional(number, 0.5)
      memory_gb  = optional(number, 2)
      storage_gb = optional(number, 1)
      count      = optional(number, 1)
    }), {})
    web_server = optional(object({
      cpu        = optional(number, 0.5)
      memory_gb  = optional(number, 2)
      storage_gb = optional(number, 1)
    }), {})
    worker = optional(object({
      cpu        = optional(number, 0.5)
      memory_gb  = optional(number, 2)
      storage_gb = optional(number, 10)
      min_count  = optional(number, 1)
      max_count  = optional(number, 3)
    }), {})
  })
  description = "CPU, memory (GB), storage (GB) and counts of the scheduler, triggerer, DAG processor, web server and workers. Omitted fields keep the small defaults."
  default     = {}

  validation {
    condition = alltrue(flatten([
      for component in values(var.composer_workloads) : [for k, v in component : v > 0 if k != "count"]
    ]))
    error_message = "composer_workloads cpu, memory_gb, storage_gb, min_count and max_count must be greater than 0."
  }

  validation {
    condition     = var.composer_workloads.worker.min_count <= var.composer_workloads.worker.max_count
    error_message = "composer_workloads.worker.min_count must not exceed worker.max_count."
  }

  validation {
    condition     = var.composer_workloads.scheduler.count >= 1 && var.composer_workloads.dag_processor.count >= 1 && var.composer_workloads.triggerer.count >= 0
    error_message = "composer_workloads needs at least one scheduler and one DAG processor; triggerer.count may be 0 (deferrable operators then never resume)."
  }
}

variable "composer_enable_private_environment" {
  type        = bool
  description = "Run Airflow components without external IP addresses (Composer 3 `enable_private_environment`)."
  default     = true
}

variable "composer_network" {
  type        = string
  description = "Existing VPC network id (`projects/<p>/global/networks/<n>`) to attach the environment to; a network in another project is a Shared VPC host, where the Composer service agent gets roles/composer.sharedVpcAgent. null (default) lets Composer manage networking."
  default     = null

  validation {
    condition     = var.composer_network == null || can(regex("^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/global/networks/[a-z]([-a-z0-9]*[a-z0-9])?$", var.composer_network))
    error_message = "composer_network must be a network id, projects/<project>/global/networks/<network>."
  }
}

variable "composer_subnetwork" {
  type        = string
  description = "Subnetwork id (`projects/<p>/regions/<region>/subnetworks/<s>`) in `region` and in composer_network's project; set with composer_network."
  default     = null

  validation {
    condition     = (var.composer_network == null) == (var.composer_subnetwork == null)
    error_message = "Set composer_network and composer_subnetwork together, or leave both null."
  }

  validation {
    condition = var.composer_subnetwork == null || (
      can(regex("^projects/[^/]+/regions/${var.region}/subnetworks/[^/]+$", var.composer_subnetwork)) &&
      try(split("/", var.composer_subnetwork)[1] == split("/", var.composer_network)[1], false)
    )
    error_message = "composer_subnetwork must be projects/<network's project>/regions/<region>/subnetworks/<name>, in the environment's region and the network's project."
  }
}

variable "composer_network_attachment" {
  type        = string
  description = "Composer 3 network attachment id (`projects/<p>/regions/<region>/networkAttachments/<n>`) connecting the environment to a VPC, instead of composer_network/composer_subnetwork; null (default) for none."
  default     = null

  validation {
    condition     = var.composer_network_attachment == null || (can(regex("^projects/[^/]+/regions/${var.region}/networkAttachments/[^/]+$", var.composer_network_attachment)) && var.composer_network == null)
    error_message = "composer_network_attachment must be projects/<project>/regions/<region>/networkAttachments/<name> in the environment's region, and cannot be combined with composer_network."
  }
}

variable "composer_deletion_policy" {
  type        = string
  description = "PREVENT (default): Terraform refuses to destroy or replace the environment, its Airflow database and bucket; DELETE lets it (throwaway environments)."
  default     = "PREVENT"

  validation {
    condition     = contains(["PREVENT", "DELETE"], var.composer_deletion_policy)
    error_message = "composer_deletion_policy must be PREVENT or DELETE."
  }
}

variable "composer_maintenance_window" {
  type = object({
    start_time = string
    end_time   = string
    recurrence = string
  })
  description = "When Composer may run maintenance: RFC 3339 start and end of a first occurrence and an RFC 5545 RRULE. Composer requires at least 12 hours a week."
  default = {
    start_time = "2025-01-03T00:00:00Z"
    end_time   = "2025-01-03T04:00:00Z"
    recurrence = "FREQ=WEEKLY;BYDAY=FR,SA,SU"
  }

  validation {
    condition = (
      try(timecmp(var.composer_maintenance_window.start_time, var.composer_maintenance_window.end_time) < 0, false) &&
      startswith(var.composer_maintenance_window.recurrence, "FREQ=")
    )
    error_message = "composer_maintenance_window needs RFC 3339 start_time before end_time (e.g. \"2025-01-03T00:00:00Z\") and an RRULE recurrence starting with FREQ= (e.g. \"FREQ=WEEKLY;BYDAY=FR,SA,SU\")."
  }
}

variable "airflow_config_overrides" {
  type        = map(string)
  description = "Airflow configuration overrides, `section-key` => value (Airflow 3 names), applied over the platform defaults in modules/composer."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.airflow_config_overrides) : can(regex("^[a-z][a-z0-9_.]*-[a-z][a-z0-9_]*$", k))])
    error_message = "airflow_config_overrides keys must be \"section-key\" in lowercase, e.g. \"core-max_active_runs_per_dag\"."
  }
}

variable "composer_pypi_packages" {
  type        = map(string)
  description = "Extra PyPI packages for the environment, name => version specifier (e.g. { \"google-genai\" = \"==1.2.0\" }); pin exact versions."
  default     = {}
}
