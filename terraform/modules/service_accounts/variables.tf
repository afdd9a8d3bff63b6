variable "project_id" {
  type        = string
  description = "Project that holds the service accounts and their project-level grants."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the account ids (`<prefix>-composer`, `<prefix>-cloudbuild`); at most 19 characters so both fit the 30-character limit."
}

variable "composer_service_agent" {
  type        = string
  description = "Email of the Cloud Composer service agent, which must manage the environment account's workload identity bindings."
}

variable "search_grounding" {
  type        = bool
  description = "Also grant the Composer account roles/discoveryengine.viewer, so the grounded_gemini sample can ground answers in a Vertex AI Search data store."
  default     = false
}
