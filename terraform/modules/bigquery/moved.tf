# The evaluations table, the usage ledger and the two views were one resource each before they became
# entries of local.tables and local.views: these blocks move existing state to the new addresses, so an
# apply recreates nothing.
# (The root's moved.tf moves the sample tables, whose keys the root chooses.)

moved {
  from = google_bigquery_table.evaluations
  to   = google_bigquery_table.tables["evaluations"]
}

moved {
  from = google_bigquery_table.usage
  to   = google_bigquery_table.tables["usage"]
}

moved {
  from = google_bigquery_table.latest_scores
  to   = google_bigquery_table.views["latest_scores"]
}

moved {
  from = google_bigquery_table.usage_daily
  to   = google_bigquery_table.views["usage_daily"]
}
