"""Sample (Airflow DAG): summarize a video in the data bucket and extract its scenes as a BigQuery table.

Two Gemini calls read the same video straight from GCS, each with a response schema. The summary is
checked and written to GCS; the scenes are checked (schema, times in order, the table's schema file),
written as NDJSON and loaded into the video_scenes table. A malformed answer writes nothing.
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
from genops.samples import locations, outputs, video
from genops.samples.inputs import wait_for_input

with lab_dag(
    "mp4_summary",
    description="Summarize a video in the data bucket and extract its scenes with Gemini (structured output); "
    "write the checked summary to GCS and load the scenes into the video_scenes table.",
    tags=["sample", "multimodal", "structured-output", "bigquery"],
) as dag:
    wait_for_video = wait_for_input("wait_for_video", *video.VIDEO)
    video_uri = locations.templated_input_uri(*video.VIDEO)
    describe = gemini.generate_content(
        "describe_video", profile=video.SUMMARY_PROFILE, contents=video.video_contents(video.SUMMARY_PROMPT, video_uri)
    )
    extract = gemini.generate_content(
        "extract_scenes", profile=video.SCENES_PROFILE, contents=video.video_contents(video.SCENES_PROMPT, video_uri)
    )

    @task
    def check_summary(answer_text: str | None) -> dict:
        from genops.samples.structured import checked

        uri = locations.uri(locations.input_object(*video.VIDEO))
        summary = checked(answer_text, video.SUMMARY_SCHEMA, what=f"summary of {uri}")
        return {"video_uri": uri, "model": config.get(video.SUMMARY_PROFILE.model_setting), **summary}

    @task
    def check_scenes(answer_text: str | None) -> list[dict]:
        from genops.samples.structured import checked

        uri = locations.uri(locations.input_object(*video.VIDEO))
        build = partial(video.scene_rows, video_uri=uri, model=config.get(video.SCENES_PROFILE.model_setting))
        return checked(answer_text, video.SCENES_SCHEMA, what=f"scenes of {uri}", build=build)

    wait_for_video >> within_daily_budget() >> [describe, extract]
    outputs.write_json.override(task_id="write_summary")(check_summary(describe), name="summary.json")
    scenes_file = outputs.write_jsonl.override(task_id="write_scenes")(check_scenes(extract), name="scenes.jsonl")
    LoadOnceGCSToBigQueryOperator(  # the provider's operator; a retry reattaches to its load job
        task_id="load_scenes",
        source_objects=[scenes_file],
        **outputs.load_arguments(video.TABLE_SETTING, video.SCHEMA_FILE),
    )
