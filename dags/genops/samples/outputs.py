"""Tasks that write a sample's checked results (JSON documents and NDJSON rows in the data bucket) and the
arguments of the provider's GCSToBigQueryOperator that loads the rows into BigQuery.

Each object is named after the DAG and the run (locations.output_object), so a retry overwrites its own
output. Only checked values reach these tasks: the checks run in the task before them.
"""

from __future__ import annotations

import json
from pathlib import Path

from genops.core import config, storage
from genops.core.compat import get_current_context, task
from genops.core.credentials import check_before_execute
from genops.evaluation.results import schema
from genops.samples import locations


def _run_object(name: str) -> str:
    context = get_current_context()
    return locations.output_object(context["dag"].dag_id, context["run_id"], name)


@task
def write_json(document: dict, name: str) -> str:
    """Write `document` as pretty JSON to outputs/<dag_id>/<run>/<name>; returns its gs:// URI."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return storage.upload_text(config.get("GENOPS_DATA_BUCKET"), _run_object(name), text, mime_type="application/json")


@task
def write_jsonl(rows: list[dict], name: str) -> str:
    """Write `rows` as newline-delimited JSON (BigQuery's load format); returns the object's name in the bucket."""
    if not rows:
        raise ValueError(f"write_jsonl({name!r}) got no rows; the check before it must reject an empty answer")
    text = "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n" for row in rows)
    object_name = _run_object(name)
    storage.upload_text(config.get("GENOPS_DATA_BUCKET"), object_name, text, mime_type="application/x-ndjson")
    return object_name


def load_arguments(table_setting: str, schema_file: Path) -> dict:
    """GCSToBigQueryOperator arguments that append an NDJSON object of the data bucket to the table
    GENOPS_<table_setting> names. The table must exist (Terraform creates it from `schema_file`): CREATE_NEVER
    keeps a typo in the setting from creating a stray table, and unknown fields fail the load."""
    table = ".".join(config.templated(name) for name in ("GENOPS_PROJECT_ID", "GENOPS_BQ_DATASET", table_setting))
    return {
        "bucket": config.templated("GENOPS_DATA_BUCKET"),
        "destination_project_dataset_table": table,  # project_id and location are not templated: the job
        # runs in the connection's project, and BigQuery takes its location from the table's dataset
        "schema_fields": list(schema(schema_file)),
        "source_format": "NEWLINE_DELIMITED_JSON",
        "write_disposition": "WRITE_APPEND",
        "create_disposition": "CREATE_NEVER",
        "ignore_unknown_values": False,
        "autodetect": False,
        "deferrable": True,
        "pre_execute": check_before_execute,
    }
