"""Model lifecycle on the wire: preflight and the model_lifecycle DAG against the Vertex AI stand-in, whose list
of retired models is its own (written from Google's page), so a model table that gets a date wrong is caught."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from genops.core import config
from genops.models import lifecycle
from genops.models.table import table
from scripts.local.cloud.vertex_models import RETIRED
from tests.dags.wire import run, try_numbers, wire_fixture  # noqa: F401  (the `wire` fixture)


def test_the_lifecycle_dag_checks_the_defaults_and_the_served_tuned_model_on_the_wire(dagbag, wire):
    result = run(dagbag.get_dag("model_lifecycle"))

    assert result.state == "success", result.task_states
    decision = result.xcom("check_model_lifecycle", key="decision")
    assert decision["passed"] is True
    asked = {r["path"].rsplit("/", 1)[-1] for r in wire.vertex.requests if "/publishers/google/models/" in r["path"]}
    assert {config.SETTINGS[s].default for s in ("GENOPS_PRO_MODEL", "GENOPS_FLASH_MODEL")} <= asked
    assert [r["status"] for r in wire.vertex.requests if r["path"].split("?")[0].endswith("/tuningJobs")] == [200]


def test_a_table_that_misses_a_retirement_is_caught_by_the_stand_ins_404(dagbag, wire, monkeypatch):
    """Were the table to give a retired model a later date, preflight would still fail, on models.get's 404."""
    retired = next(iter(RETIRED))
    facts = table().facts(retired)
    wrong = dataclasses.replace(facts, retires=table().read_on + timedelta(days=365))
    monkeypatch.setattr(
        lifecycle, "table", lambda: dataclasses.replace(table(), models={**table().models, retired: wrong})
    )
    monkeypatch.setenv("GENOPS_FLASH_MODEL", retired)

    result = run(dagbag.get_dag("count_tokens"), retries=1)

    assert result.task_states["preflight"] == "failed" and try_numbers(result, "preflight") == 1
    assert "404 NOT_FOUND" in result.xcom("preflight", key="decision")["reason"]
    assert [c["status"] for c in wire.vertex_calls(f"/publishers/google/models/{retired}")] == [404]
    assert wire.vertex_calls(":countTokens") == wire.vertex_calls(":generateContent") == []
