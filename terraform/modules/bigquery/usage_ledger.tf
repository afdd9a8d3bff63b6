# The Gemini usage ledger: one row per Gemini call the DAGs make (dags/genops/usage), and spend per day,
# DAG and model. The schema is the shared file dags/genops/schemas/gemini_usage.json, passed in by the root.

resource "google_bigquery_table" "usage" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = var.usage_table_id
  description         = "Gemini usage ledger: one row per call (tokens by class, estimated cost), written by the DAGs."
  labels              = var.labels
  schema              = var.usage_table_schema
  deletion_protection = var.deletion_protection
  clustering          = ["dag_id", "model"]

  time_partitioning {
    type  = "DAY"
    field = "called_at"
  }

  dynamic "encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = encryption_configuration.value
    }
  }
}

resource "google_bigquery_table" "usage_daily" {
  # checkov:skip=CKV_GCP_80: a view stores no data; the ledger table it reads carries the encryption.
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = var.usage_view_id
  description         = "Gemini spend per day, DAG and model, from the usage ledger."
  labels              = var.labels
  deletion_protection = var.deletion_protection

  view {
    query          = templatefile("${path.module}/usage_daily.sql.tftpl", { table = "${var.project_id}.${google_bigquery_table.usage.dataset_id}.${google_bigquery_table.usage.table_id}" })
    use_legacy_sql = false
  }
}
