variable "project_id" {
  type        = string
  description = "Project that holds the service accounts."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the account ids (`<prefix>-composer`, `<prefix>-deploy`, `<prefix>-test`); at most 21 characters so the longest fits the 30-character limit."

  validation {
    condition     = length(var.name_prefix) <= 21
    error_message = "name_prefix must be at most 21 characters (\"<prefix>-composer\" must fit in 30)."
  }
}

variable "composer_service_agent" {
  type        = string
  description = "IAM member (`serviceAccount:<email>`) of the Cloud Composer service agent, created beforehand, which must manage the environment account's workload identity bindings."

  validation {
    condition     = can(regex("^serviceAccount:service-[0-9]+@cloudcomposer-accounts\\.iam\\.gserviceaccount\\.com$", var.composer_service_agent))
    error_message = "composer_service_agent must be the member of the Composer service agent, serviceAccount:service-<number>@cloudcomposer-accounts.iam.gserviceaccount.com."
  }
}
