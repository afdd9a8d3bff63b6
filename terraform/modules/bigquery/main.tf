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

# Every table the DAGs write, from one definition: the evaluations table, the Gemini usage ledger (one row
# per Gemini call, dags/genops/usage) and the sample DAGs' tables. Each is DAY-partitioned and clustered by what
# its readers filter on; its schema is the shared file its DAG validates rows with, passed in by the root.
locals {
  platform_tables = {
    evaluations = {
      table_id        = var.table_id
      description     = "One row per model configuration per evaluation run."
      schema          = var.table_schema
      partition_field = "evaluation_date"
      clustering      = ["model_config", "model"]
    }
    usage = {
      table_id        = var.usage_table_id
      description     = "Gemini usage ledger: one row per call (tokens by class, estimated cost), written by the DAGs."
      schema          = var.usage_table_schema
      partition_field = "called_at"
      clustering      = ["dag_id", "model"]
    }
  }
  tables = merge(var.sample_tables, local.platform_tables)
}

resource "google_bigquery_table" "tables" {
  for_each = local.tables

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

# The views over those tables, from one definition: the latest evaluation of each model configuration, and
# Gemini spend per day, DAG and model from the usage ledger. Each reads one table (`reads`).
locals {
  views = {
    latest_scores = {
      table_id    = var.view_id
      description = "Latest evaluation (all scores) of each model configuration."
      query       = "latest_scores.sql.tftpl"
      reads       = "evaluations"
    }
    usage_daily = {
      table_id    = var.usage_view_id
      description = "Gemini spend per day, DAG and model, from the usage ledger."
      query       = "usage_daily.sql.tftpl"
      reads       = "usage"
    }
  }
}

resource "google_bigquery_table" "views" {
  # checkov:skip=CKV_GCP_80: a view stores no data; the table it reads carries the encryption.
  for_each = local.views

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = each.value.table_id
  description         = each.value.description
  labels              = var.labels
  deletion_protection = var.deletion_protection

  view {
    query          = templatefile("${path.module}/${each.value.query}", { table = local.settings[each.value.reads].fqn })
    use_legacy_sql = false
  }
}

locals {
  # What the tests, reviews and views read of each table, by key.
  settings = {
    for key, table in google_bigquery_table.tables : key => {
      fqn                 = "${var.project_id}.${table.dataset_id}.${table.table_id}"
      schema              = table.schema
      partition_type      = table.time_partitioning[0].type
      partition_field     = table.time_partitioning[0].field
      clustering          = table.clustering
      deletion_protection = table.deletion_protection
    }
  }
  view_fqn = { for key, view in google_bigquery_table.views : key => "${var.project_id}.${view.dataset_id}.${view.table_id}" }
}
