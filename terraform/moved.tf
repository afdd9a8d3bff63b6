# The sample tables joined the BigQuery module's one table definition (module.bigquery's local.tables):
# these blocks move existing state to the new addresses, so an apply recreates nothing.

moved {
  from = module.bigquery.google_bigquery_table.samples["customer_feedback"]
  to   = module.bigquery.google_bigquery_table.tables["customer_feedback"]
}

moved {
  from = module.bigquery.google_bigquery_table.samples["video_scenes"]
  to   = module.bigquery.google_bigquery_table.tables["video_scenes"]
}
