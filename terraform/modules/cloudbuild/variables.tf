variable "project_id" {
  type        = string
  description = "Project that holds the triggers."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the trigger names (`<prefix>-test`, `<prefix>-deploy`)."
}

variable "environment" {
  type        = string
  description = "Environment the deploy trigger deploys to (substitution _ENVIRONMENT), e.g. dev or prod."
}

variable "service_accounts" {
  type = object({
    test   = string
    deploy = string
  })
  description = "Fully qualified ids (`projects/<p>/serviceAccounts/<email>`) of the accounts the builds run as: test (pull requests, no access to any environment) and deploy (the deploy trigger)."

  validation {
    condition     = alltrue([for id in values(var.service_accounts) : can(regex("^projects/[^/]+/serviceAccounts/[^/@]+@[^/]+$", id))]) && var.service_accounts.test != var.service_accounts.deploy
    error_message = "service_accounts.test and .deploy must be two different account ids, projects/<project>/serviceAccounts/<email> (a bare email is rejected by Cloud Build)."
  }
}

variable "github" {
  type = object({
    owner = string
    name  = string
  })
  description = "GitHub repository connected through the Cloud Build GitHub App (first generation). Set this or repository_id."
  default     = null
}

variable "repository_id" {
  type        = string
  description = "Second-generation repository, `projects/<p>/locations/<region>/connections/<c>/repositories/<r>`; the triggers are created in its region. Set this or github."
  default     = null
}

variable "build_config_file" {
  type        = string
  description = "Path of the build configuration in the repository."
  default     = "cloudbuild.yaml"
}

variable "pull_request" {
  type = object({
    branch          = string
    comment_control = string
  })
  description = "The test trigger: RE2 regex of the base branches whose pull requests run the tests, and whether a build needs a `/gcbrun` comment (COMMENTS_DISABLED, COMMENTS_ENABLED, COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY)."
  default     = { branch = ".*", comment_control = "COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY" }
}

variable "deploy" {
  type = object({
    branch           = optional(string)
    tag              = optional(string)
    require_approval = optional(bool, false)
  })
  description = "The deploy trigger: an RE2 regex of exactly one of the branch or the tag whose pushes deploy (passed on as _DEPLOY_REF), and whether each build waits for an approval."

  validation {
    condition     = (var.deploy.branch == null) != (var.deploy.tag == null)
    error_message = "deploy needs exactly one of branch or tag."
  }
}

variable "release_branch" {
  type        = string
  description = "Branch a release tag's commit must be on for the build to deploy (substitution _RELEASE_BRANCH)."
  default     = "main"
}

variable "composer_environment_name" {
  type        = string
  description = "Environment the deploy build verifies (substitution _COMPOSER_ENV)."
}

variable "composer_region" {
  type        = string
  description = "Region of that environment (substitution _COMPOSER_REGION)."
}

variable "dag_gcs_prefix" {
  type        = string
  description = "The environment's config[0].dag_gcs_prefix, gs://<bucket>/dags (substitution _DAGS_PREFIX)."

  validation {
    condition     = can(regex("^gs://[a-z0-9][a-z0-9._-]+[a-z0-9]/dags$", var.dag_gcs_prefix))
    error_message = "dag_gcs_prefix must look like gs://<bucket>/dags."
  }
}
