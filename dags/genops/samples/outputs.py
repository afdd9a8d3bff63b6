"""Tasks that write a sample's checked results: JSON documents and NDJSON rows in the data bucket, rows in BigQuery.

Each object is named after the DAG and the run (locations.output_object), so a retry overwrites its own
output. Only checked values reach these tasks: the checks run in the task before them.
"""

from __future__ import annotations

import json

from genops.core import config, storage
from genops.core.compat import get_current_context, task
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
    """Write `rows` as newline-delimited JSON (BigQuery's load format); returns its gs:// URI."""
    if not rows:
        raise ValueError(f"write_jsonl({name!r}) got no rows; the check before it must reject an empty answer")
    text = "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n" for row in rows)
    return storage.upload_text(
        config.get("GENOPS_DATA_BUCKET"), _run_object(name), text, mime_type="application/x-ndjson"
    )


@task
def load_jsonl(source_uri: str, table_setting: str) -> str:
    """Append the NDJSON object to the table named by `table_setting`, once per run (a retry reattaches to
    its job); returns the BigQuery job id."""
    from genops.samples.bigquery import load_jsonl as load

    return load(source_uri, table_setting, get_current_context())
