variable "project_id" {
  type        = string
  description = "Project that holds the triggers."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the trigger names (`<prefix>-test`, `<prefix>-deploy`)."
}

variable "service_account_id" {
  type        = string
  description = "Fully qualified id (`projects/<p>/serviceAccounts/<email>`) of the dedicated account the builds run as."
}

variable "service_account_member" {
  type        = string
  description = "IAM member of that account, granted objectAdmin on the environment's bucket."
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

variable "pull_request_branch" {
  type        = string
  description = "RE2 regex of the base branches whose pull requests run the tests."
  default     = ".*"
}

variable "pull_request_comment_control" {
  type        = string
  description = "Whether a pull request build needs a `/gcbrun` comment from a collaborator: COMMENTS_DISABLED, COMMENTS_ENABLED or COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY."
  default     = "COMMENTS_ENABLED_FOR_EXTERNAL_CONTRIBUTORS_ONLY"
}

variable "deploy_branch" {
  type        = string
  description = "RE2 regex of the branch whose pushes run the tests and deploy the DAGs."
  default     = "^main$"
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
}
