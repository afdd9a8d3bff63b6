variable "github_owner" {
  type        = string
  description = "Owner (user or organization) of the GitHub repository connected through the Cloud Build GitHub App. Set with github_repository, or use cloudbuild_repository instead."
  default     = null
}

variable "github_repository" {
  type        = string
  description = "Name of that GitHub repository (without the owner)."
  default     = null
}

variable "cloudbuild_repository" {
  type        = string
  description = "Second-generation Cloud Build repository id, projects/<p>/locations/<region>/connections/<c>/repositories/<r>; use instead of github_owner/github_repository."
  default     = null

  validation {
    condition     = ((var.github_owner != null) == (var.github_repository != null)) && ((var.github_owner != null) != (var.cloudbuild_repository != null))
    error_message = "Give Cloud Build exactly one repository: github_owner and github_repository together (GitHub App, first generation), or cloudbuild_repository (second generation), not both or neither."
  }

  validation {
    condition     = var.cloudbuild_repository == null || can(regex("^projects/[^/]+/locations/[a-z0-9-]+/connections/[^/]+/repositories/[^/]+$", var.cloudbuild_repository))
    error_message = "cloudbuild_repository must be projects/<project>/locations/<region>/connections/<connection>/repositories/<repository>."
  }
}

variable "cloudbuild_config_file" {
  type        = string
  description = "Build configuration the triggers run, relative to the repository root."
  default     = "cloudbuild.yaml"

  validation {
    condition     = can(regex("^[^/\\s].*\\.ya?ml$", var.cloudbuild_config_file))
    error_message = "cloudbuild_config_file must be a relative path to a .yaml or .yml file, e.g. \"cloudbuild.yaml\"."
  }
}

variable "cloudbuild_branches" {
  type = object({
    pull_request = optional(string, ".*")
    deploy       = optional(string, "^main$")
  })
  description = "RE2 regexes: base branches whose pull requests run the tests (default every branch), and the branch whose pushes run the tests and deploy the DAGs (default main)."
  default     = {}

  validation {
    condition     = alltrue([for pattern in values(var.cloudbuild_branches) : can(regexall(pattern, ""))])
    error_message = "cloudbuild_branches values must be valid regular expressions, e.g. { pull_request = \".*\", deploy = \"^main$\" }."
  }
}

variable "cloudbuild_comment_control" {
  type        = string
  description = "Whether pull request builds wait for a collaborator's `/gcbrun` comment: COMMENTS_DISABLED, COMMENTS_ENABLED or COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY (default: forks from outsiders must be approved before they run with the build account)."
  default     = "COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY"

  validation {
    condition     = contains(["COMMENTS_DISABLED", "COMMENTS_ENABLED", "COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY"], var.cloudbuild_comment_control)
    error_message = "cloudbuild_comment_control must be COMMENTS_DISABLED, COMMENTS_ENABLED or COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY."
  }
}
