"""enhanced_logging: a failure callback that asks Gemini why a task failed and logs the answer next to the error.

Three rules keep a helper from making a failure worse:
- It never recurses. A flag is set while an explanation runs, and a callback that fires inside one (say,
  from a hook that fails and reports through the same callback) returns at once. The explainer calls
  genops.gemini.calls directly, never through an operator or task, so it has no callbacks of its own.
- It spends within budget. It first takes the same daily spend decision as the DAGs' `within_daily_budget`
  gates (today's ledger total against GENOPS_DAILY_TOKEN_BUDGET / GENOPS_DAILY_COST_BUDGET_USD): once the
  day's budget is used up it logs the decision's reason and calls nothing, not even a token count. Then the
  prompt's tokens are counted; over GENOPS_TOKEN_BUDGET it logs why and asks nothing.
- It never hides the original failure. Every exception inside it is caught and logged and it returns
  None, so the task stays failed with its own error. Secrets that Airflow masks are redacted from the prompt.
"""

from __future__ import annotations

import logging
import threading
import traceback

from genops.core import config
from genops.gates.decisions import budget_decision
from genops.gates.tasks import daily_spend_today
from genops.samples.structured import SampleProfile

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 4000  # the end of the traceback, where the cause usually is
INSTRUCTION = (
    "You are a data engineer and Apache Airflow expert who debugs failed tasks. Give the likely cause, the "
    "next step to fix it and what to check, in plain text, in at most 100 words."
)
PROFILE = SampleProfile(
    "failure_explanation",
    "GENOPS_FLASH_MODEL",
    temperature=0.0,
    max_output_tokens=4096,  # the model thinks at its default level, within this limit
    system_instruction=INSTRUCTION,
    extra_config={"http_options": {"timeout": 60_000}},  # milliseconds: a callback must not hang the worker
)

_state = threading.local()


def explain_failure(context) -> None:
    """on_failure_callback: log Gemini's explanation of the failure. Never raises, never recurses."""
    if getattr(_state, "explaining", False):
        log.warning("Failure explainer: not explaining a failure raised while explaining one (no recursion).")
        return
    _state.explaining = True
    try:
        _explain(context)
    except Exception:
        log.exception(
            "Failure explainer: could not explain the failure of %s; the task's own error above is what failed.",
            _task_label(context),
        )
    finally:
        _state.explaining = False


def _explain(context) -> None:
    from genops.gemini import calls

    label = _task_label(context)
    daily = daily_spend_today()
    if not daily.passed:
        log.warning("Failure explainer: not asking Gemini about %s: %s gate: %s.", label, daily.gate, daily.reason)
        return
    client = calls.genai_client(f"explaining the failure of {label}")  # checks credentials first
    prompt = failure_prompt(context)
    model = config.get(PROFILE.model_setting)
    request = {
        "model": model,
        "contents": [prompt],
        "generation_config": PROFILE.generation_config(model=model),
        "profile": PROFILE.name,
        "context": context,  # the usage is the failed task's
        "client": client,
    }
    counted = calls.count_tokens(**request).total_tokens
    decision = budget_decision(counted, config.get_int("GENOPS_TOKEN_BUDGET"))
    if not decision.passed:
        log.warning("Failure explainer: not asking Gemini about %s: %s (GENOPS_TOKEN_BUDGET).", label, decision.reason)
        return
    explanation = calls.generate(**request).text
    log.warning("Gemini's explanation of the failure of %s:\n%s", label, explanation or "(no answer: blocked or empty)")


def _task_label(context) -> str:
    ti = context.get("ti") or context.get("task_instance")
    if ti is None:
        return "an unknown task"
    return f"{ti.dag_id}.{ti.task_id} (run {getattr(ti, 'run_id', '?')}, try {getattr(ti, 'try_number', '?')})"


def failure_prompt(context) -> str:
    """What Gemini sees: which task failed and the end of its traceback, with masked secrets redacted."""
    exception = context.get("exception")
    if isinstance(exception, BaseException):
        error = "".join(traceback.format_exception(exception))[-MAX_ERROR_CHARS:]
    else:
        error = str(exception or "(the callback context holds no exception)")[-MAX_ERROR_CHARS:]
    task = context.get("task")
    operator = type(task).__name__ if task is not None else "unknown operator"
    return _redact(f"Failed Airflow task: {_task_label(context)}, operator {operator}.\n\nError:\n{error}")


def _redact(text: str) -> str:
    try:  # Airflow 3
        from airflow.sdk.log import redact
    except ImportError:  # Airflow 2.11
        from airflow.utils.log.secrets_masker import redact
    return str(redact(text))
