resource "google_bigquery_dataset" "this" {
  project                    = var.project_id
  dataset_id                 = var.dataset_id
  location                   = var.location
  description                = "GenOps model evaluation results, written by the Composer DAGs."
  labels                     = var.labels
  delete_contents_on_destroy = false

  dynamic "default_encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = default_encryption_configuration.value
    }
  }
}

resource "google_bigquery_table" "evaluations" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = var.table_id
  description         = "One row per model configuration per evaluation run."
  labels              = var.labels
  schema              = var.table_schema
  deletion_protection = var.deletion_protection
  clustering          = ["model_config", "model"]

  time_partitioning {
    type  = "DAY"
    field = "evaluation_date"
  }

  dynamic "encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = encryption_configuration.value
    }
  }
}

resource "google_bigquery_table" "latest_scores" {
  # checkov:skip=CKV_GCP_80: a view stores no data; the table it reads carries the encryption.
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = var.view_id
  description         = "Latest evaluation (all scores) of each model configuration."
  labels              = var.labels
  deletion_protection = var.deletion_protection

  view {
    query          = templatefile("${path.module}/latest_scores.sql.tftpl", { table = "${var.project_id}.${google_bigquery_table.evaluations.dataset_id}.${google_bigquery_table.evaluations.table_id}" })
    use_legacy_sql = false
  }
}

# Tables of the sample DAGs (dags/samples), each defined by the schema file its DAG validates rows with.
resource "google_bigquery_table" "samples" {
  for_each = var.sample_tables

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = each.value.table_id
  description         = each.value.description
  labels              = var.labels
  schema              = each.value.schema
  deletion_protection = var.deletion_protection
  clustering          = each.value.clustering

  time_partitioning {
    type  = "DAY"
    field = each.value.partition_field
  }

  dynamic "encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = encryption_configuration.value
    }
  }
}
