"""Sample (Airflow DAG): read a sample of a BigQuery table and ask Gemini four analysis questions in a task group.

The source table is optional configuration (GENOPS_INSIGHTS_SOURCE_TABLE): unset, the DAG logs why and
skips the analysis. The sample goes to Gemini as CSV after a token-budget gate; each answer has a response
schema and all four are checked before the insights report is written to GCS.
"""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import TaskGroup, task
from genops.core.dag_factory import lab_dag
from genops.gates.tasks import within_budget, within_daily_budget
from genops.gemini import tasks as gemini
from genops.samples import insights, outputs

with lab_dag(
    "data_insights",
    description="Read a sample of GENOPS_INSIGHTS_SOURCE_TABLE (skipped when unset), ask Gemini four analysis "
    "questions in a task group (budget-gated, structured output), check the answers and write the report to GCS.",
    tags=["sample", "bigquery", "structured-output"],
) as dag:

    @task
    def read_sample() -> str:
        """The first SAMPLE_ROWS rows of the table, as CSV; fail with the fix when the table is empty."""
        from genops.core.compat import AirflowFailException
        from genops.samples.bigquery import sample_rows

        table = insights.SOURCE_TABLE.value()
        rows = sample_rows(table, max_rows=insights.SAMPLE_ROWS)
        if not rows:
            raise AirflowFailException(f"{table} has no rows; point {insights.SOURCE_TABLE.name} at a table with data.")
        return insights.sample_text(rows)

    sample = read_sample()
    tokens = gemini.count_tokens(
        "count_tokens", profile=insights.PROFILE, contents=insights.question_contents(insights.LONGEST_QUESTION, sample)
    )
    gate = within_budget(tokens)
    insights.SOURCE_TABLE.gate("source_configured") >> within_daily_budget() >> sample

    with TaskGroup("gemini_insights", tooltip="One Gemini question per analysis, all about the same sample") as ask:
        answers = {
            name: gemini.generate_content(
                f"ask_{name}", profile=insights.PROFILE, contents=insights.question_contents(question, sample)
            )
            for name, question in insights.QUESTIONS.items()
        }
    gate >> ask

    @task
    def check_insights(answers: dict[str, str | None]) -> dict:
        """Every answer must fit the schema; one malformed answer fails the task and no report is written."""
        from genops.samples.structured import checked

        return {
            "source_table": insights.SOURCE_TABLE.value(),
            "model": config.get(insights.PROFILE.model_setting),
            "insights": {
                name: {
                    "question": insights.QUESTIONS[name],
                    **checked(text, insights.ANSWER_SCHEMA, what=f"the {name} insight"),
                }
                for name, text in answers.items()
            },
        }

    outputs.write_json.override(task_id="write_insights")(check_insights(answers), name="insights.json")
