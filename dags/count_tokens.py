"""Lab 2 (Airflow DAG): count the prompt's tokens, stop when it is over budget, and only then generate."""

from __future__ import annotations

from genops import config, genai_tasks
from genops.compat import get_current_context, task
from genops.dag_factory import lab_dag
from genops.gates import budget_decision
from genops.generation import PROFILES_BY_NAME
from genops.prompts import SAMPLE_PROMPT

PROFILE = PROFILES_BY_NAME["flash"]

with lab_dag(
    "count_tokens",
    description="Count prompt tokens; a budget gate (GENOPS_TOKEN_BUDGET) stops generation when over budget.",
    tags=["lab", "budget"],
) as dag:
    count_tokens = genai_tasks.count_tokens("count_tokens", profile=PROFILE, contents=[SAMPLE_PROMPT])

    @task.short_circuit
    def within_budget(total_tokens: int | None) -> bool:
        """Skip everything downstream unless the prompt fits GENOPS_TOKEN_BUDGET."""
        decision = budget_decision(total_tokens, config.get_int("GENOPS_TOKEN_BUDGET"))
        print(f"Budget gate {'passed' if decision.passed else 'STOPPED the run'}: {decision.reason}")
        get_current_context()["ti"].xcom_push(key="decision", value=decision.as_dict())
        return decision.passed

    generate = genai_tasks.generate_content("generate", profile=PROFILE, contents=[SAMPLE_PROMPT])

    within_budget(count_tokens.output["total_tokens"]) >> generate
