"""Lab 1 (Airflow DAG): after a preflight of its models, one prompt to six generation configurations."""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core.compat import task
from genops.core.dag_factory import lab_dag
from genops.gates.tasks import preflight, within_daily_budget
from genops.gemini import tasks as gemini
from genops.gemini.profiles import PROFILES, model_settings
from genops.gemini.prompts import SAMPLE_PROMPT

with lab_dag(
    "generate_content",
    description="Send one prompt to every generation configuration in genops.gemini.profiles.PROFILES.",
    tags=["lab", "generate"],
) as dag:
    responses = {
        profile.name: gemini.generate_content(f"generate_{profile.name}", profile=profile, contents=[SAMPLE_PROMPT])
        for profile in PROFILES
    }
    checked = preflight(settings=model_settings(PROFILES), produced_metrics=[])
    checked >> within_daily_budget() >> [response.operator for response in responses.values()]

    @task
    def collect_responses(by_profile: dict[str, str]) -> dict[str, str]:
        """One XCom with every configuration's answer, side by side."""
        for name, text in by_profile.items():
            print(f"--- {name} ({len(text or '')} chars)\n{text}")
        return by_profile

    collect_responses(responses)
