"""Sample (Airflow DAG): wait for a customer service transcript, score it with structured output, load the row.

Gemini reads the transcript straight from the data bucket and answers in JSON of a response schema; the
answer is checked against that schema and the table's schema file before it is written to GCS and loaded
into BigQuery. A malformed answer fails the check, and nothing is written or loaded.
"""

from __future__ import annotations

from functools import partial

# The provider module LoadOnceGCSToBigQueryOperator extends, pre-imported by the DAG processor (model_comparison.py).
import airflow.providers.google.cloud.transfers.gcs_to_bigquery  # noqa: F401
import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import task
from genops.core.dag_factory import lab_dag
from genops.core.gcs_to_bigquery import LoadOnceGCSToBigQueryOperator
from genops.gates.tasks import within_daily_budget
from genops.gemini import tasks as gemini
from genops.samples import feedback, locations, outputs
from genops.samples.inputs import wait_for_input

with lab_dag(
    "customer_service_feedback",
    description="Wait for a transcript in the data bucket, score the agent with Gemini (structured output), "
    "check the answer, write it to GCS and load it into the customer_feedback table.",
    tags=["sample", "structured-output", "bigquery"],
) as dag:
    transcript = wait_for_input("wait_for_transcript", *feedback.TRANSCRIPT)
    answer = gemini.generate_content(
        "score_transcript",
        profile=feedback.PROFILE,
        contents=[
            {
                "role": "user",
                "parts": [
                    {"text": feedback.PROMPT},
                    {
                        "file_data": {
                            "file_uri": locations.templated_input_uri(*feedback.TRANSCRIPT),
                            "mime_type": "text/plain",
                        }
                    },
                ],
            }
        ],
    )

    @task
    def check_feedback(answer_text: str | None) -> list[dict]:
        """The one customer_feedback row, checked against the response schema and the table's schema file."""
        from genops.samples.structured import checked

        uri = locations.uri(locations.input_object(*feedback.TRANSCRIPT))
        model = config.get(feedback.PROFILE.model_setting)
        build = partial(feedback.feedback_row, transcript_uri=uri, model=model)
        return [checked(answer_text, feedback.RESPONSE_SCHEMA, what=f"feedback for {uri}", build=build)]

    rows = check_feedback(answer)
    feedback_file = outputs.write_jsonl.override(task_id="write_feedback")(rows, name="feedback.jsonl")
    LoadOnceGCSToBigQueryOperator(  # the provider's operator; a retry reattaches to its load job
        task_id="load_feedback",
        source_objects=[feedback_file],
        **outputs.load_arguments(feedback.TABLE_SETTING, feedback.SCHEMA_FILE),
    )
    transcript >> within_daily_budget() >> answer  # the day's budget is read once the transcript is there
