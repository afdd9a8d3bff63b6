variable "project_id" {
  type        = string
  description = "Project in which to enable the APIs."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project id such as \"acme-genops-dev\"."
  }
}

variable "additional_services" {
  type        = list(string)
  description = "APIs to enable on top of the platform's own (for example discoveryengine.googleapis.com for later samples)."
  default     = []

  validation {
    condition     = alltrue([for s in var.additional_services : can(regex("^[a-z][a-z0-9-]*\\.googleapis\\.com$", s))])
    error_message = "additional_services entries must be API service names such as \"discoveryengine.googleapis.com\"."
  }
}

variable "cmek_service_agents" {
  type        = map(string)
  description = "Service agents to create besides Composer's, by short name => API (e.g. { pubsub = \"pubsub.googleapis.com\" }): the ones a CMEK key must be granted to. Their APIs are enabled too."
  default     = {}

  validation {
    condition     = alltrue([for s in values(var.cmek_service_agents) : can(regex("^[a-z][a-z0-9-]*\\.googleapis\\.com$", s))])
    error_message = "cmek_service_agents values must be API service names such as \"pubsub.googleapis.com\"."
  }
}
