"""The evaluations table is defined by the schema file the DAGs write with."""

from __future__ import annotations

import json

from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, file_reference, locals_of

SCHEMA_FILE = REPO / "dags" / "genops" / "schemas" / "model_evaluations.json"


MODULE = TERRAFORM / "modules" / "bigquery"


def _table():
    """The evaluations table's entry in the module's one table definition."""
    return locals_of(MODULE)["platform_tables"]["evaluations"]


def test_one_resource_defines_every_table_the_dags_write():
    (table,) = [
        r for r in blocks("resource", MODULE) if r.labels[0] == "google_bigquery_table" and "view" not in r.body
    ]
    assert table.body["for_each"] == "${local.tables}"
    assert locals_of(MODULE)["tables"] == "${merge(var.sample_tables, local.platform_tables)}"
    assert table.body["schema"] == "${each.value.schema}"
    assert table.body["time_partitioning"] == [{"type": "DAY", "field": "${each.value.partition_field}"}]
    assert table.body["clustering"] == "${each.value.clustering}"


def test_table_schema_is_the_module_input():
    assert _table()["schema"] == "${var.table_schema}"


def test_root_passes_the_shared_schema_file():
    (call,) = [c for c in blocks("module", TERRAFORM) if c.labels == ("bigquery",)]
    assert call.body["table_schema"] == "${local.evaluations_schema}"
    assert file_reference(locals_of(TERRAFORM)["evaluations_schema"], TERRAFORM) == SCHEMA_FILE


def test_partitioning_and_clustering_columns_exist_in_the_schema():
    fields = {f["name"]: f for f in json.loads(SCHEMA_FILE.read_text())}
    table = _table()
    assert table["partition_field"] == "evaluation_date"
    assert fields["evaluation_date"]["type"] == "DATE"
    assert table["clustering"] == ["model_config", "model"]
    assert all(name in fields for name in table["clustering"])
