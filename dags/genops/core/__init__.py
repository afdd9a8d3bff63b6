"""What every DAG and every other part of genops stands on: configuration, Airflow compatibility, DAG
defaults, credentials, the data bucket, package paths. Imports nothing from the rest of genops."""
