"""The Gemini usage ledger: one row per Gemini call the DAGs make, and the daily spend it adds up to.

- `prices`: the prices in the model table `genops/models/models.json` (per model and token class, each with
  its date and source); a model
  it does not list costs "unknown" (None), never zero.
- `rows`: a ledger row from a google-genai response's usage metadata and where the call was made.
- `ledger`: rows batched per task try and written to BigQuery (GENOPS_USAGE_TABLE) with deterministic insert
  ids, retried with backoff; a failed write is logged loudly and never fails the task that spent the money.
  Every call also logs one `GEMINI_USAGE {...}` line, which Cloud Logging turns into the spend metrics.
- `spend`: today's total from the ledger, for the daily spend gate (genops.gates).

Imports only genops.core; google-cloud-bigquery is imported when a write or a query is made.
"""
