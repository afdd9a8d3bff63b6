"""Lab 2 (Airflow DAG): check the settings, count the prompt's tokens, stop when over budget, only then generate."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.dag_factory import lab_dag
from genops.gates.tasks import preflight, within_budget, within_daily_budget
from genops.gemini import tasks as gemini
from genops.gemini.profiles import PROFILES_BY_NAME, model_settings
from genops.gemini.prompts import SAMPLE_PROMPT

PROFILE = PROFILES_BY_NAME["flash"]

with lab_dag(
    "count_tokens",
    description="Count prompt tokens; a budget gate (GENOPS_TOKEN_BUDGET) stops generation when over budget.",
    tags=["lab", "budget"],
) as dag:
    count_tokens = gemini.count_tokens("count_tokens", profile=PROFILE, contents=[SAMPLE_PROMPT])
    generate = gemini.generate_content("generate", profile=PROFILE, contents=[SAMPLE_PROMPT])

    checked = preflight(settings=[*model_settings([PROFILE]), "GENOPS_TOKEN_BUDGET"], produced_metrics=[])
    checked >> within_daily_budget() >> count_tokens
    within_budget(count_tokens) >> generate
