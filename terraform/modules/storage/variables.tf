variable "project_id" {
  type        = string
  description = "Project that holds the buckets."
}

variable "location" {
  type        = string
  description = "Location of both buckets (a region, to sit next to Composer and Vertex AI)."
}

variable "data_bucket_name" {
  type        = string
  description = "Name of the bucket for training data and evaluation reports."
}

variable "log_bucket_name" {
  type        = string
  description = "Name of the bucket that receives the data bucket's usage logs (created only with usage_logs)."
}

variable "labels" {
  type        = map(string)
  description = "Labels set on both buckets."
  default     = {}
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`) that encrypts both buckets; null uses Google-managed keys. The key must be in the buckets' location and usable by the project's Cloud Storage service agent (modules/cmek)."
  default     = null
}

variable "force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete non-empty buckets. Keep false outside throwaway environments."
  default     = false
}

variable "reports_prefix" {
  type        = string
  description = "Object prefix of the evaluation reports (no trailing slash)."
}

variable "lifecycle_days" {
  type = object({
    reports_nearline    = number
    noncurrent_versions = number
    access_logs         = number
  })
  description = "Ages in days: when reports move to NEARLINE, how long replaced or deleted object versions stay, how long access logs stay."
}

variable "usage_logs" {
  type        = bool
  description = "Write the data bucket's usage and storage logs to a log bucket. Off by default: Cloud Storage writes them as group:cloud-storage-analytics@google.com, a grant the organization policy iam.allowedPolicyMemberDomains (domain-restricted sharing) rejects; Cloud Audit Logs data-access logs are the alternative."
  default     = false
}
