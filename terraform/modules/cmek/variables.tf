variable "project_id" {
  type        = string
  description = "Project whose Cloud Storage and BigQuery service agents encrypt with the key."
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`), or null for Google-managed keys (the module then does nothing)."
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>, or null."
  }
}

variable "service_agents" {
  type        = map(string)
  description = "Other service agents that encrypt with the key, short name => IAM member of an agent that already exists (created by modules/project_services): Composer's and the ones Google's Composer 3 CMEK page lists. Keys must not be storage or bigquery (this module reads those agents itself)."
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.service_agents), ["storage", "bigquery"])) == 0 && alltrue([for m in values(var.service_agents) : startswith(m, "serviceAccount:")])
    error_message = "service_agents must map names other than storage and bigquery to \"serviceAccount:<email>\" members."
  }
}
