resource "google_storage_bucket" "data" {
  # checkov:skip=CKV_GCP_62: usage logs need a grant to group:cloud-storage-analytics@google.com, which domain-restricted sharing rejects; they are opt-in (var.usage_logs, see terraform/README.md#organization-policies).
  project                     = var.project_id
  name                        = var.data_bucket_name
  location                    = var.location
  labels                      = var.labels
  force_destroy               = var.force_destroy
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  dynamic "logging" {
    for_each = google_storage_bucket.logs
    content {
      log_bucket        = logging.value.name
      log_object_prefix = var.data_bucket_name
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  lifecycle_rule {
    condition {
      age                   = var.lifecycle_days.reports_nearline
      matches_prefix        = ["${var.reports_prefix}/"]
      matches_storage_class = ["STANDARD"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.lifecycle_days.noncurrent_versions
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "logs" {
  # checkov:skip=CKV_GCP_62: this bucket is the access-log sink; logging it into itself would loop.
  count = var.usage_logs ? 1 : 0

  project                     = var.project_id
  name                        = var.log_bucket_name
  location                    = var.location
  labels                      = var.labels
  force_destroy               = var.force_destroy
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  lifecycle_rule {
    condition {
      age = var.lifecycle_days.access_logs
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.lifecycle_days.noncurrent_versions
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

# Cloud Storage writes usage and storage logs as this Google group, which the organization policy
# iam.allowedPolicyMemberDomains (domain-restricted sharing) rejects: only with var.usage_logs.
resource "google_storage_bucket_iam_member" "log_writer" {
  count = var.usage_logs ? 1 : 0

  bucket = google_storage_bucket.logs[0].name
  role   = "roles/storage.objectCreator"
  member = "group:cloud-storage-analytics@google.com"
}
