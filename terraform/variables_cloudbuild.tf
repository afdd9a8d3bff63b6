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

variable "cloudbuild_deploy" {
  type = object({
    branch           = optional(string)
    tag              = optional(string)
    require_approval = optional(bool, false)
  })
  description = "What the deploy trigger fires on, an anchored RE2 regex of exactly one of: branch (pushes to it, e.g. \"^main$\") or tag (release tags, e.g. \"^v[0-9]+\\.[0-9]+\\.[0-9]+$\"); require_approval makes each deploy build wait for an approver. Passed to the build as _DEPLOY_REF."
  default     = { branch = "^main$" }

  validation {
    condition     = (var.cloudbuild_deploy.branch == null) != (var.cloudbuild_deploy.tag == null)
    error_message = "cloudbuild_deploy needs exactly one of branch or tag, e.g. { branch = \"^main$\" } or { tag = \"^v[0-9]+\\\\.[0-9]+\\\\.[0-9]+$\", require_approval = true }."
  }

  validation {
    condition     = alltrue([for p in compact([var.cloudbuild_deploy.branch, var.cloudbuild_deploy.tag]) : can(regexall(p, "")) && startswith(p, "^") && endswith(p, "$")])
    error_message = "cloudbuild_deploy.branch or .tag must be a valid RE2 regex anchored with ^ and $ (e.g. \"^main$\"), so the deploy trigger cannot fire on every branch that merely contains the name."
  }
}

variable "cloudbuild_release_branch" {
  type        = string
  description = "Branch a release tag's commit must be on for a tag build to deploy (_RELEASE_BRANCH); a tag on a commit outside it does not deploy."
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.cloudbuild_release_branch))
    error_message = "cloudbuild_release_branch must be a branch name such as \"main\" (not a regex)."
  }
}

variable "cloudbuild_pull_request_branch" {
  type        = string
  description = "RE2 regex of the base branches whose pull requests run the tests (test trigger, default every branch)."
  default     = ".*"

  validation {
    condition     = can(regexall(var.cloudbuild_pull_request_branch, ""))
    error_message = "cloudbuild_pull_request_branch must be a valid regular expression, e.g. \".*\" or \"^main$\"."
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
