"""Lab 2 (Airflow DAG): count the prompt's tokens, stop when it is over budget, and only then generate."""

from __future__ import annotations

from genops import genai_tasks
from genops.dag_factory import lab_dag
from genops.gate_tasks import within_budget
from genops.generation import PROFILES_BY_NAME
from genops.prompts import SAMPLE_PROMPT

PROFILE = PROFILES_BY_NAME["flash"]

with lab_dag(
    "count_tokens",
    description="Count prompt tokens; a budget gate (GENOPS_TOKEN_BUDGET) stops generation when over budget.",
    tags=["lab", "budget"],
) as dag:
    count_tokens = genai_tasks.count_tokens("count_tokens", profile=PROFILE, contents=[SAMPLE_PROMPT])
    generate = genai_tasks.generate_content("generate", profile=PROFILE, contents=[SAMPLE_PROMPT])

    within_budget(count_tokens.output["total_tokens"]) >> generate
