variable "project_id" {
  type        = string
  description = "Project in which to enable the APIs."
}

variable "additional_services" {
  type        = list(string)
  description = "APIs to enable on top of the platform's own (for example discoveryengine.googleapis.com for later samples)."
  default     = []
}
