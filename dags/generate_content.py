"""Lab 1: one prompt, six generation configurations (pro, flash, sampling presets, Google Search)."""

from __future__ import annotations

from airflow.providers.google.cloud.operators.gen_ai import GenAIGenerateContentOperator

from genops import config
from genops.compat import task
from genops.dag_factory import lab_dag
from genops.generation import PROFILES
from genops.prompts import SAMPLE_PROMPT

with lab_dag(
    "generate_content",
    description="Send one prompt to every generation configuration in genops.generation.PROFILES.",
    tags=["lab", "generate"],
) as dag:
    responses = {
        profile.name: GenAIGenerateContentOperator(
            task_id=f"generate_{profile.name}",
            project_id=config.templated("GENOPS_PROJECT_ID"),
            location=config.templated("GENOPS_REGION"),
            model=config.templated(profile.model_setting),
            contents=[SAMPLE_PROMPT],
            generation_config=profile.generation_config(),
        ).output
        for profile in PROFILES
    }

    @task
    def collect_responses(by_profile: dict[str, str]) -> dict[str, str]:
        """One XCom with every configuration's answer, side by side."""
        for name, text in by_profile.items():
            print(f"--- {name} ({len(text or '')} chars)\n{text}")
        return by_profile

    collect_responses(responses)
