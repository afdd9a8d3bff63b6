output "dataset_id" {
  description = "Dataset id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "table_id" {
  description = "Table id of the evaluations table (without project and dataset)."
  value       = google_bigquery_table.tables["evaluations"].table_id
}

output "table_fqn" {
  description = "Fully qualified table name, `<project>.<dataset>.<table>`."
  value       = local.settings["evaluations"].fqn
}

output "view_fqn" {
  description = "Fully qualified name of the latest-scores view."
  value       = local.view_fqn["latest_scores"]
}

output "table" {
  description = "Settings of the evaluations table that the tests and reviews check: schema, partitioning, clustering, deletion protection."
  value       = local.settings["evaluations"]
}

output "tables" {
  description = "Every table the DAGs write, by key (evaluations, each sample table's key, usage): {dataset_id, table_id}, for table-level grants."
  value       = { for key, table in google_bigquery_table.tables : key => { dataset_id = table.dataset_id, table_id = table.table_id } }
}

output "sample_table_ids" {
  description = "Table id (without project and dataset) of each sample table, by its key in sample_tables."
  value       = { for key in keys(var.sample_tables) : key => google_bigquery_table.tables[key].table_id }
}

output "sample_tables" {
  description = "Settings of each sample table that the tests and reviews check: fully qualified name, schema, partitioning, clustering, deletion protection."
  value       = { for key in keys(var.sample_tables) : key => local.settings[key] }
}

output "usage_table_id" {
  description = "Table id of the Gemini usage ledger (without project and dataset)."
  value       = google_bigquery_table.tables["usage"].table_id
}

output "usage_table_fqn" {
  description = "Fully qualified usage ledger table, `<project>.<dataset>.<table>`."
  value       = local.settings["usage"].fqn
}

output "usage_view_fqn" {
  description = "Fully qualified view of Gemini spend per day, DAG and model."
  value       = local.view_fqn["usage_daily"]
}

output "usage_table" {
  description = "Settings of the usage ledger table that the tests and reviews check: schema, partitioning, clustering, deletion protection."
  value       = local.settings["usage"]
}
