"""canary_evaluation on the wire: google-genai and the Vertex AI SDK over HTTP to the Vertex AI stand-in, the canary's
rows through the real BigQuery client to the BigQuery stand-in. A regression is injected where it happens in
production: the served model's answers get worse (the stand-in's degrade control), with no deploy."""

from __future__ import annotations

import json
import urllib.request

from genops.core.config import SETTINGS
from genops.gates.regression import LOG_MARKER
from tests.dags.wire import DATASET, PROJECT, TABLE, run, wire_fixture  # noqa: F401  (the `wire` fixture)


def degrade(wire, model: str) -> None:
    """POST /_admin/degrade to the Vertex AI stand-in, as a test or `make local` user would."""
    request = urllib.request.Request(
        f"{wire.vertex.url}/_admin/degrade",
        data=json.dumps({"model": model, "degraded": True}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert model in json.loads(response.read())["degraded"]


def test_a_degraded_served_model_is_recorded_as_a_regression_with_the_alert_marker(dagbag, wire, genops_env, capfd):
    flash = SETTINGS["GENOPS_FLASH_MODEL"].default
    dag = dagbag.get_dag("canary_evaluation")

    healthy = run(dag)
    assert healthy.state == "success", healthy.task_states
    row = healthy.xcom("evaluate_served_model")
    assert row["model"] == flash and row["model_config"] == "canary"
    baseline = {metric: row[metric] for metric in ("rouge_l_sum", "bleu", "rouge_1")}
    assert all(value > 0.05 for value in baseline.values()), f"the stand-in's healthy answers score: {baseline}"

    genops_env.setenv("GENOPS_CANARY_BASELINE", json.dumps(baseline))
    degrade(wire, flash)
    capfd.readouterr()
    degraded = run(dag)

    assert degraded.state == "success", degraded.task_states
    decision = degraded.xcom("compare_with_baseline", key="decision")
    assert decision["passed"] is False
    regressed = {drop["metric"]: drop for drop in decision["regressions"]}
    assert "rouge_l_sum" in regressed
    drop = regressed["rouge_l_sum"]
    assert drop["baseline"] == baseline["rouge_l_sum"] and drop["value"] < drop["baseline"]
    assert drop["drop"] == round(drop["baseline"] - drop["value"], 6)
    markers = [line for line in capfd.readouterr().out.splitlines() if line.startswith(LOG_MARKER + " ")]
    assert {json.loads(line.removeprefix(LOG_MARKER + " "))["metric"] for line in markers} == set(regressed)
    stored = [r for r in wire.gcp.bigquery.rows(PROJECT, DATASET, TABLE) if r["model_config"] == "canary"]
    assert len(stored) == 2, "one canary row per run"
