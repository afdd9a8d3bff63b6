variable "additional_services" {
  type        = list(string)
  description = "APIs to enable besides the platform's own, for later samples, e.g. [\"discoveryengine.googleapis.com\", \"videointelligence.googleapis.com\"]."
  default     = []

  validation {
    condition     = alltrue([for s in var.additional_services : can(regex("^[a-z][a-z0-9-]*\\.googleapis\\.com$", s))])
    error_message = "additional_services entries must be API service names such as \"discoveryengine.googleapis.com\"."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the evaluations table from deletion. Set to false (and apply) before destroying a throwaway environment."
  default     = true
}

variable "environment" {
  type        = string
  description = "Environment this deployment is (dev, staging, prod, ...); part of resource names and a label."
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*$", var.environment))
    error_message = "environment must be lowercase letters and digits starting with a letter, e.g. \"dev\" or \"prod\"."
  }

  validation {
    condition     = length("${var.name}-${var.environment}") <= 19
    error_message = "\"<name>-<environment>\" must be at most 19 characters so service account ids (\"<name>-<environment>-cloudbuild\") fit in 30; shorten name or environment."
  }
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key used for CMEK on the buckets, the dataset and the Composer environment; null (default) uses Google-managed keys. It must be in `region`."
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a key id, projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>, or null."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every resource that takes labels, next to app, environment and managed_by (which cannot be overridden)."
  default     = {}

  validation {
    condition = alltrue([
      for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))
    ])
    error_message = "Label keys must start with a lowercase letter and hold at most 63 lowercase letters, digits, _ or -; values the same but may be empty or start with a digit."
  }
}

variable "name" {
  type        = string
  description = "Short name of the platform; resource names start with `<name>-<environment>`."
  default     = "genops"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, start with a letter and end with a letter or digit, e.g. \"genops\"."
  }
}

variable "project_id" {
  type        = string
  description = "Google Cloud project that hosts the platform (GENOPS_PROJECT_ID)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project id (not its name or number): 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, e.g. \"acme-genops-dev\"."
  }
}

variable "region" {
  type        = string
  description = "Region of Composer, the buckets, the dataset and the Vertex AI calls (GENOPS_REGION)."
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+(-[a-z]+)+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as \"us-central1\" or \"europe-west4\" (not a zone like \"us-central1-a\" or a multi-region like \"US\")."
  }
}
