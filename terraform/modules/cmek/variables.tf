variable "project_id" {
  type        = string
  description = "Project whose Cloud Storage and BigQuery service agents encrypt with the key."
}

variable "kms_key_name" {
  type        = string
  description = "Cloud KMS key (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`), or null for Google-managed keys (the module then does nothing)."
  default     = null
}
