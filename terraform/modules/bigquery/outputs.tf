output "dataset_id" {
  description = "Dataset id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "table_id" {
  description = "Table id of the evaluations table (without project and dataset)."
  value       = google_bigquery_table.evaluations.table_id
}

output "table_fqn" {
  description = "Fully qualified table name, `<project>.<dataset>.<table>`."
  value       = "${var.project_id}.${google_bigquery_table.evaluations.dataset_id}.${google_bigquery_table.evaluations.table_id}"
}

output "view_fqn" {
  description = "Fully qualified name of the latest-scores view."
  value       = "${var.project_id}.${google_bigquery_table.latest_scores.dataset_id}.${google_bigquery_table.latest_scores.table_id}"
}

output "table" {
  description = "Settings of the evaluations table that the tests and reviews check: schema, partitioning, clustering, deletion protection."
  value = {
    schema              = google_bigquery_table.evaluations.schema
    partition_type      = google_bigquery_table.evaluations.time_partitioning[0].type
    partition_field     = google_bigquery_table.evaluations.time_partitioning[0].field
    clustering          = google_bigquery_table.evaluations.clustering
    deletion_protection = google_bigquery_table.evaluations.deletion_protection
  }
}

output "tables" {
  description = "Every table the DAGs write, by key (evaluations, each sample table's key, usage): {dataset_id, table_id}, for table-level grants."
  value = merge(
    { evaluations = { dataset_id = google_bigquery_table.evaluations.dataset_id, table_id = google_bigquery_table.evaluations.table_id } },
    { for key, table in google_bigquery_table.samples : key => { dataset_id = table.dataset_id, table_id = table.table_id } },
    { usage = { dataset_id = google_bigquery_table.usage.dataset_id, table_id = google_bigquery_table.usage.table_id } },
  )
}

output "sample_table_ids" {
  description = "Table id (without project and dataset) of each sample table, by its key in sample_tables."
  value       = { for key, table in google_bigquery_table.samples : key => table.table_id }
}

output "sample_tables" {
  description = "Settings of each sample table that the tests and reviews check: fully qualified name, schema, partitioning, clustering, deletion protection."
  value = {
    for key, table in google_bigquery_table.samples : key => {
      fqn                 = "${var.project_id}.${table.dataset_id}.${table.table_id}"
      schema              = table.schema
      partition_field     = table.time_partitioning[0].field
      clustering          = table.clustering
      deletion_protection = table.deletion_protection
    }
  }
}

output "usage_table_id" {
  description = "Table id of the Gemini usage ledger (without project and dataset)."
  value       = google_bigquery_table.usage.table_id
}

output "usage_table_fqn" {
  description = "Fully qualified usage ledger table, `<project>.<dataset>.<table>`."
  value       = "${var.project_id}.${google_bigquery_table.usage.dataset_id}.${google_bigquery_table.usage.table_id}"
}

output "usage_view_fqn" {
  description = "Fully qualified view of Gemini spend per day, DAG and model."
  value       = "${var.project_id}.${google_bigquery_table.usage_daily.dataset_id}.${google_bigquery_table.usage_daily.table_id}"
}

output "usage_table" {
  description = "Settings of the usage ledger table that the tests and reviews check: schema, partitioning, clustering, deletion protection."
  value = {
    schema              = google_bigquery_table.usage.schema
    partition_type      = google_bigquery_table.usage.time_partitioning[0].type
    partition_field     = google_bigquery_table.usage.time_partitioning[0].field
    clustering          = google_bigquery_table.usage.clustering
    deletion_protection = google_bigquery_table.usage.deletion_protection
  }
}
