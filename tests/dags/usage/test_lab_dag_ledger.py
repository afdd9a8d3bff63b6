"""Every Gemini call a lab DAG makes lands in the usage ledger once, with the counts the response reported."""

from __future__ import annotations

from genops.models.table import table
from genops.usage import prices
from tests.dags.fakes import FakeGenAIClient, install_fake_genai, server_error
from tests.dags.runner import run_dag

# A current model the table prices (the flash default may be unpriced: its cost is then unknown, never a guess).
PRICED = next(
    m for m, f in table().models.items() if prices.table().prices_for(m) and f.retires and f.retires > table().read_on
)


def test_count_tokens_dag_records_each_call_of_each_try(dagbag, genops_env, bigquery_standin):
    genops_env.setenv("GENOPS_FLASH_MODEL", PRICED)
    client = FakeGenAIClient(total_tokens=100, thoughts_tokens=7, failures=[server_error(503)])
    install_fake_genai(genops_env, client)
    result = run_dag(dagbag.get_dag("count_tokens"), retries=True)

    assert result.task_states["generate"] == "success" and result.try_numbers()["generate"] == 2
    rows = sorted(bigquery_standin.rows.values(), key=lambda r: r["called_at"])
    assert [(r["task_id"], r["call_kind"], r["try_number"]) for r in rows] == [
        ("count_tokens", "count_tokens", 1),
        ("generate", "generate_content", 2),  # try 1 got a 503 and no answer: nothing was spent
    ]
    counted, generated = rows
    assert (counted["counted_tokens"], counted["total_tokens"], counted["estimated_cost_usd"]) == (100, 0, 0.0)
    assert generated["thinking_tokens"] == 7 and generated["output_tokens"] > 0 and generated["prompt_tokens"] > 0
    assert generated["total_tokens"] == generated["prompt_tokens"] + generated["output_tokens"] + 7
    assert generated["model"] == PRICED and generated["profile"] == "flash"
    assert generated["estimated_cost_usd"] > 0 and counted["run_id"] == generated["run_id"]
    assert counted["base_model"] is None and generated["base_model"] is None, "a base model is no tuned endpoint"


def test_generate_content_dag_records_one_row_per_profile(dagbag, genops_env, bigquery_standin):
    genops_env.setenv("GENOPS_PRO_MODEL", "gemini-test-pro")  # a model the price table does not know
    genops_env.setenv("GENOPS_FLASH_MODEL", PRICED)
    client = FakeGenAIClient()
    client.available_models.add("gemini-test-pro")  # but Vertex AI serves (preflight's models.get finds it)
    install_fake_genai(genops_env, client)
    result = run_dag(dagbag.get_dag("generate_content"))

    assert result.state == "success"
    rows = list(bigquery_standin.rows.values())
    by_task = {r["task_id"]: r for r in rows}
    assert len(rows) == len(by_task) == len([t for t in result.task_states if t.startswith("generate_")])
    assert by_task["generate_pro"]["model"] == "gemini-test-pro"
    assert by_task["generate_pro"]["estimated_cost_usd"] is None, "an unpriced model costs unknown, not zero"
    assert by_task["generate_flash"]["estimated_cost_usd"] > 0
