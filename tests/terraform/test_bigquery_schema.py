"""The evaluations table is defined by the schema file the DAGs write with."""

from __future__ import annotations

import json

from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, file_reference, locals_of

SCHEMA_FILE = REPO / "dags" / "genops" / "schemas" / "model_evaluations.json"


def _table():
    (table,) = [
        r
        for r in blocks("resource", TERRAFORM / "modules" / "bigquery")
        if r.labels == ("google_bigquery_table", "evaluations")
    ]
    return table.body


def test_table_schema_is_the_module_input():
    assert _table()["schema"] == "${var.table_schema}"


def test_root_passes_the_shared_schema_file():
    (call,) = [c for c in blocks("module", TERRAFORM) if c.labels == ("bigquery",)]
    assert call.body["table_schema"] == "${local.evaluations_schema}"
    assert file_reference(locals_of(TERRAFORM)["evaluations_schema"], TERRAFORM) == SCHEMA_FILE


def test_partitioning_and_clustering_columns_exist_in_the_schema():
    fields = {f["name"]: f for f in json.loads(SCHEMA_FILE.read_text())}
    table = _table()
    (partitioning,) = table["time_partitioning"]
    assert partitioning == {"type": "DAY", "field": "evaluation_date"}
    assert fields["evaluation_date"]["type"] == "DATE"
    assert table["clustering"] == ["model_config", "model"]
    assert all(name in fields for name in table["clustering"])
