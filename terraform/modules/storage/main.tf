locals {
  data_bucket_grants = merge(
    { for k, m in var.object_admins : "admin ${k}" => { role = "roles/storage.objectAdmin", member = m } },
    { for k, m in var.object_viewers : "viewer ${k}" => { role = "roles/storage.objectViewer", member = m } },
  )
}

resource "google_storage_bucket" "data" {
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

  logging {
    log_bucket        = google_storage_bucket.logs.name
    log_object_prefix = var.data_bucket_name
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

# Cloud Storage writes usage and storage logs as this Google group.
resource "google_storage_bucket_iam_member" "log_writer" {
  bucket = google_storage_bucket.logs.name
  role   = "roles/storage.objectCreator"
  member = "group:cloud-storage-analytics@google.com"
}

resource "google_storage_bucket_iam_member" "data" {
  for_each = local.data_bucket_grants

  bucket = google_storage_bucket.data.name
  role   = each.value.role
  member = each.value.member
}
