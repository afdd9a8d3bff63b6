"""mp4_summary: describe a video and extract its scenes as table rows, both with structured output."""

from __future__ import annotations

from datetime import datetime

from genops.core.paths import SCHEMAS_DIR
from genops.evaluation.results import validate_row
from genops.samples.structured import InvalidAnswerError, structured_profile

VIDEO = ("video", "animals.mp4")  # under <GENOPS_SAMPLES_PREFIX>/inputs/
# Where scripts/data/stage_samples.sh copies the video from: Google's public sample data (samples/inputs/video/SOURCE).
PUBLIC_SAMPLE_VIDEO = "gs://cloud-samples-data/video/animals.mp4"
SCHEMA_FILE = SCHEMAS_DIR / "video_scenes.json"
TABLE_SETTING = "GENOPS_VIDEO_SCENES_TABLE"
MAX_SCENES = 25

INSTRUCTION = "You catalogue video footage. Describe only what is seen or heard; never guess beyond it."

SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "A short title for the video."},
        "summary": {"type": "string", "description": "What happens in the video, in at most 120 words."},
        "spoken_content": {"type": "string", "description": "What people say, or an empty string if no one speaks."},
        "topics": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 8},
    },
    "required": ["title", "summary", "spoken_content", "topics"],
    "property_ordering": ["title", "summary", "spoken_content", "topics"],
}
SUMMARY_PROMPT = "Describe this video, including anything important that people say in it."

SCENE_FIELDS = ("start_seconds", "end_seconds", "subject", "action", "setting")
SCENES_SCHEMA = {
    "type": "object",
    "properties": {
        "scenes": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_SCENES,
            "items": {
                "type": "object",
                "properties": {
                    "start_seconds": {"type": "number", "minimum": 0},
                    "end_seconds": {"type": "number", "minimum": 0},
                    "subject": {"type": "string", "description": "The main subject: an animal, a person, an object."},
                    "action": {"type": "string", "description": "What the subject does."},
                    "setting": {"type": "string", "description": "Where the scene takes place."},
                },
                "required": list(SCENE_FIELDS),
                "property_ordering": list(SCENE_FIELDS),
            },
        }
    },
    "required": ["scenes"],
}
SCENES_PROMPT = f"List the scenes of this video in order, at most {MAX_SCENES}, with their start and end times."

SUMMARY_PROFILE = structured_profile("video_summary", SUMMARY_SCHEMA, system_instruction=INSTRUCTION)
SCENES_PROFILE = structured_profile("video_scenes", SCENES_SCHEMA, system_instruction=INSTRUCTION)


def video_contents(prompt: str, video_uri: str) -> list[dict]:
    return [
        {"role": "user", "parts": [{"file_data": {"file_uri": video_uri, "mime_type": "video/mp4"}}, {"text": prompt}]}
    ]


def scene_rows(answer: dict, *, video_uri: str, model: str, dag_id: str, run_id: str, checked_at: datetime):
    """video_scenes rows from a checked answer: scenes must not end before they start, and must be in order."""
    rows, previous_start = [], 0.0
    for index, scene in enumerate(answer["scenes"]):
        start, end = float(scene["start_seconds"]), float(scene["end_seconds"])
        if end < start or start < previous_start:
            raise InvalidAnswerError(
                f"scene {index} of {video_uri} runs {start}s to {end}s: scenes must end after they start and come "
                "in order. Nothing was written."
            )
        previous_start = start
        row = {
            "scene_id": f"{dag_id}/{run_id}/{index}",
            "extracted_at": checked_at.isoformat(),
            "dag_id": dag_id,
            "run_id": run_id,
            "video_uri": video_uri,
            "model": model,
            "scene_index": index,
            **{name: scene[name] for name in ("subject", "action", "setting")},
            "start_seconds": start,
            "end_seconds": end,
        }
        rows.append(validate_row(row, SCHEMA_FILE, row_name=f"scene {index} of {video_uri}"))
    return rows
