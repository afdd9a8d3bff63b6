"""enhanced_logging's failure callback: explains within budget, never recurses, never hides the failure."""

from __future__ import annotations

import pytest

from genops.samples import failure_explainer
from tests.conftest import REPO
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag
from tests.dags.samples.fakes import BUCKET, ScriptedGenAIClient, install_fake_sample_gcs

ORDERS = "samples/inputs/logging/partner_orders.csv"
EXPLANATION = "The partner sent N/A as an amount; ask for a corrected feed."
ORIGINAL_ERROR = "line 3: amount_usd 'N/A' is not a number"


@pytest.fixture
def gcs(genops_env):
    gcs = install_fake_sample_gcs(genops_env)
    gcs.put(BUCKET, ORDERS, (REPO / "samples/inputs/logging/partner_orders.csv").read_bytes())
    return gcs


def _run(dagbag, genops_env, client):
    install_fake_genai(genops_env, client)
    return run_dag(dagbag.get_dag("enhanced_logging"))


def test_failure_is_explained_within_budget_and_the_task_stays_failed(dagbag, gcs, genops_env, capfd, caplog):
    client = ScriptedGenAIClient(total_tokens=300, replies={"enhanced_logging.check_partner_orders": EXPLANATION})
    result = _run(dagbag, genops_env, client)

    assert result.state == "failed" and result.task_states == {"check_partner_orders": "failed"}
    assert client.methods_called() == ["count_tokens", "generate_content"]
    (call,) = client.generate_calls()
    # (Airflow 3's in-process dag.test() leaves the exception out of the callback context; a worker sets it,
    # and test_the_prompt_carries_the_error_and_the_task checks that case.)
    assert "enhanced_logging.check_partner_orders (run manual__" in call["contents"][0]
    assert (
        call["config"]["max_output_tokens"] == failure_explainer.PROFILE.max_output_tokens
        and call["config"]["temperature"] == 0.0
    )
    output = capfd.readouterr().out + caplog.text
    assert ORIGINAL_ERROR in output, "the original error must stay in the log"
    assert EXPLANATION in output


def test_over_budget_the_callback_asks_nothing(dagbag, gcs, genops_env, capfd, caplog):
    genops_env.setenv("GENOPS_TOKEN_BUDGET", "100")
    client = ScriptedGenAIClient(total_tokens=101)
    result = _run(dagbag, genops_env, client)

    assert result.task_states == {"check_partner_orders": "failed"}
    assert client.methods_called() == ["count_tokens"], "no generation over budget"
    output = capfd.readouterr().out + caplog.text
    assert "101 tokens, over the budget of 100" in output and ORIGINAL_ERROR in output


@pytest.mark.parametrize(("spent", "asked"), [(5000, []), (4999, ["count_tokens", "generate_content"])])
def test_the_callback_takes_the_daily_spend_decision_first(
    dagbag, gcs, genops_env, spent_today, capfd, caplog, spent, asked
):
    """Over the day's budget (GENOPS_DAILY_TOKEN_BUDGET, read from the ledger) it calls nothing and logs why."""
    genops_env.setenv("GENOPS_DAILY_TOKEN_BUDGET", "5000")
    spent_today(spent)
    client = ScriptedGenAIClient(replies={"enhanced_logging.check_partner_orders": EXPLANATION})
    result = _run(dagbag, genops_env, client)

    assert result.state == "failed" and result.task_states == {"check_partner_orders": "failed"}
    assert client.methods_called() == asked
    output = capfd.readouterr().out + caplog.text
    stopped = "daily_spend gate: today's Gemini spend is 5000 tokens, the daily budget of 5000 is used up"
    assert ORIGINAL_ERROR in output
    if asked:
        assert EXPLANATION in output and stopped not in output
    else:
        assert stopped in output and EXPLANATION not in output


def test_a_failing_explainer_never_hides_the_original_failure(dagbag, gcs, genops_env, capfd, caplog):
    client = ScriptedGenAIClient(error=RuntimeError("503 Vertex AI unavailable"))
    result = _run(dagbag, genops_env, client)

    assert result.state == "failed" and result.task_states == {"check_partner_orders": "failed"}
    assert client.methods_called() == ["count_tokens", "generate_content"]
    output = capfd.readouterr().out + caplog.text
    assert ORIGINAL_ERROR in output and "could not explain the failure" in output and "503 Vertex AI" in output


def test_a_clean_feed_succeeds_without_any_gemini_call(dagbag, gcs, genops_env):
    gcs.put(BUCKET, ORDERS, "order_id,partner,amount_usd,ordered_at\n1001,acme,129.90,2026-08-01T09:12:00Z\n")
    client = ScriptedGenAIClient()
    result = _run(dagbag, genops_env, client)

    assert result.state == "success"
    assert result.xcom("check_partner_orders") == {"orders": 1, "total_usd": 129.9}
    assert client.calls == []


def test_the_callback_does_not_recurse(genops_env, caplog):
    """A callback fired while an explanation runs (here: from inside the model call) returns at once."""
    context = {"ti": _TaskInstance(), "exception": ValueError("boom")}
    client = ScriptedGenAIClient(during_generate=lambda: failure_explainer.explain_failure(context))
    install_fake_genai(genops_env, client)

    assert failure_explainer.explain_failure(context) is None
    assert client.methods_called() == ["count_tokens", "generate_content"], "the inner callback asked nothing"
    assert "no recursion" in caplog.text
    # The guard is released afterwards: the next failure is explained again.
    client.during_generate = None
    failure_explainer.explain_failure(context)
    assert client.methods_called().count("generate_content") == 2


def test_the_callback_swallows_its_own_errors(genops_env, caplog):
    genops_env.delenv("GENOPS_PROJECT_ID")  # the explainer's own configuration is broken
    assert failure_explainer.explain_failure({"ti": _TaskInstance(), "exception": ValueError("boom")}) is None
    assert "could not explain the failure of d.t" in caplog.text and "GENOPS_PROJECT_ID is not set" in caplog.text


def test_the_prompt_carries_the_error_and_the_task():
    try:
        raise ValueError("amount_usd 'N/A' is not a number")
    except ValueError as err:
        error = err
    prompt = failure_explainer.failure_prompt({"ti": _TaskInstance(), "exception": error})
    assert prompt.startswith("Failed Airflow task: d.t (run manual__1, try 1)")
    assert "Traceback" in prompt and "ValueError: amount_usd 'N/A' is not a number" in prompt


def test_the_prompt_redacts_masked_secrets(genops_env):
    try:  # Airflow 3
        from airflow.sdk.log import mask_secret
    except ImportError:  # Airflow 2.11
        from airflow.utils.log.secrets_masker import mask_secret

    mask_secret("s3cr3t-t0ken-value")
    prompt = failure_explainer.failure_prompt(
        {"ti": _TaskInstance(), "exception": RuntimeError("login failed with s3cr3t-t0ken-value")}
    )
    assert "s3cr3t-t0ken-value" not in prompt and "login failed with ***" in prompt


class _TaskInstance:
    dag_id, task_id, run_id, try_number = "d", "t", "manual__1", 1
