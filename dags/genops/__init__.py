"""Shared code for the GenOps DAGs, one subpackage per concern; imports point one way, down this list:

- `models`: the model table (ids, lifecycle dates, thinking and sampling rules, prices; models.json) and the
  lifecycle arithmetic on it. Imports nothing else from genops.
- `core`: the GENOPS_ configuration contract, the Airflow 2/3 import surface, DAG defaults, credentials,
  the data bucket, where the package's data files are. Imports models.
- `usage`: the Gemini usage ledger (price table, ledger rows, BigQuery writes, today's spend). Imports core.
- `gemini`: generation profiles, prompts and the evaluation dataset, the Gemini call tasks. Imports core and
  usage.
- `tuning`: training-data validation and supervised fine-tuning tasks. Imports core and gemini.
- `gates`: gate decisions as plain data, the settings preflight, and the short-circuit tasks that enforce them
  (the daily spend gate reads usage; the preflight asks gemini's `models.get` whether the configured models
  exist; the model lifecycle check finds a tuned model's base). Imports core, usage, gemini and tuning.
- `evaluation`: answers online or from a batch prediction job, scoring with the Gen AI evaluation service,
  result rows, reports. Imports core, usage, gemini and gates (a batch job's estimate meets the daily gate).
- `samples`: what only the sample DAGs (dags/samples) use. May import any of the above; nothing imports it.

`data/` and `schemas/` hold the datasets and the BigQuery schema files (`core.paths` names them).
tests/dags/test_layering.py enforces these arrows. Nothing here imports Google SDKs at module level:
DAG parsing stays fast and offline.
"""
