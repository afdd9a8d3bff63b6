"""Structured output from the Vertex AI stand-in, asked for by the real google-genai client: JSON that fits the
samples' own response schemas (checked by the samples' own check), pydantic models, and Vertex AI's 400s."""

from __future__ import annotations

import json

import pydantic
import pytest

from genops.samples import feedback, pdfs, status_report, video
from genops.samples.structured import parse_answer
from scripts.local.cloud.vertex_models import expected_answer
from tests.local_cloud.test_vertex_standin import model_url, post
from tests.local_cloud.vertex_env import genai_client, vertex_standin

MODEL = "gemini-3.8-flash"
PROMPT = "Score the customer service agent in this transcript.\n\nAgent: Hello. Customer: My order is late."


@pytest.fixture(scope="module")
def vertex():
    with vertex_standin() as standin:
        yield standin


@pytest.fixture(scope="module")
def client(vertex):
    return genai_client(vertex.url)


def ask(client, config: dict, prompt: str = PROMPT):
    return client.models.generate_content(model=MODEL, contents=prompt, config={"temperature": 0.0, **config})


def structured(schema) -> dict:
    return {"response_mime_type": "application/json", "response_schema": schema}


@pytest.mark.parametrize(
    "schema",
    [
        feedback.RESPONSE_SCHEMA,
        video.SUMMARY_SCHEMA,
        video.SCENES_SCHEMA,
        pdfs.SUMMARY_SCHEMA,
        pdfs.TRANSLATION_SCHEMA,
        status_report.REPORT_SCHEMA,
    ],
    ids=["feedback", "video_summary", "video_scenes", "pdf_summary", "pdf_translation", "status_report"],
)
def test_answers_fit_the_samples_schemas_and_pass_their_checks(client, schema):
    response = ask(client, structured(schema))
    answer = parse_answer(response.text, schema, what="the stand-in's answer")  # the samples' own check
    assert set(answer) == set(schema["properties"])
    assert list(answer) == schema.get("property_ordering", list(schema["properties"]))
    assert response.candidates[0].finish_reason.name == "STOP"
    assert ask(client, structured(schema)).text == response.text  # deterministic: derived from the prompt
    assert ask(client, structured(schema), prompt=PROMPT + " Again.").text != response.text


def test_values_are_derived_from_the_prompt_within_the_schemas_ranges(client):
    answer = json.loads(ask(client, structured(feedback.RESPONSE_SCHEMA)).text)
    assert answer["reasoning"] == expected_answer(MODEL, PROMPT)
    assert all(1 <= answer[name] <= 10 and isinstance(answer[name], int) for name in feedback.SCORES)
    assert answer["sentiment"] in ("positive", "neutral", "negative") and isinstance(answer["resolved"], bool)
    scenes = json.loads(ask(client, structured({**video.SCENES_SCHEMA})).text)["scenes"]
    assert len(scenes) == 1 and 0 <= scenes[0]["start_seconds"] <= scenes[0]["end_seconds"]  # minItems 1
    report = json.loads(ask(client, structured(status_report.REPORT_SCHEMA)).text)
    summary = status_report.summarize([], truncated=False)
    assert status_report.check_report(report, summary) == report  # no invented DAG ids: no minItems, no items
    assert report["dags_needing_attention"] == [] == report["recommendations"]


class Score(pydantic.BaseModel):
    value: int = pydantic.Field(ge=1, le=5)


class Review(pydantic.BaseModel):
    title: str
    tags: list[str] = pydantic.Field(min_length=2)
    score: Score
    note: Score | None = None


@pytest.mark.parametrize("field", ["response_schema", "response_json_schema"])
def test_a_pydantic_model_is_parsed_by_the_client(client, field):
    schema = Review if field == "response_schema" else Review.model_json_schema()
    response = ask(client, {"response_mime_type": "application/json", field: schema})
    review = Review.model_validate_json(response.text)
    assert len(review.tags) == 2 and 1 <= review.score.value <= 5
    assert review.title == expected_answer(MODEL, PROMPT)


def test_json_without_a_schema_is_an_object_and_enum_mime_answers_one_value(client):
    assert json.loads(ask(client, {"response_mime_type": "application/json"}).text) == {
        "answer": expected_answer(MODEL, PROMPT)
    }
    enum = {"type": "STRING", "enum": ["red", "green", "blue"]}
    assert ask(client, {"response_mime_type": "text/x.enum", "response_schema": enum}).text in enum["enum"]


OBJECT = {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}}


@pytest.mark.parametrize(
    "config, message",
    [
        ({"responseMimeType": "application/json", "responseSchema": {"type": "OBJECT"}}, "should be non-empty"),
        (
            {"responseMimeType": "application/json", "responseSchema": {**OBJECT, "required": ["b"]}},
            "required[0]: property 'b' is not defined",
        ),
        ({"responseMimeType": "application/json", "responseSchema": {"type": "ARRAY"}}, "items: missing field"),
        (
            {"responseMimeType": "application/json", "responseSchema": {"type": "INTEGER", "enum": ["1"]}},
            "enum: only allowed for STRING",
        ),
        (
            {"responseMimeType": "application/json", "responseSchema": {"type": "INTEGER", "minimum": 5, "maximum": 1}},
            "minimum 5.0 is greater than maximum 1.0",
        ),
        ({"responseMimeType": "application/json", "responseSchema": {**OBJECT, "minItem": 1}}, "minItem"),
        ({"responseSchema": OBJECT}, "does not support a response schema"),
        (
            {"responseMimeType": "application/json", "responseSchema": OBJECT, "responseJsonSchema": {}},
            "cannot both be set",
        ),
        (
            {"responseMimeType": "application/json", "responseJsonSchema": {"type": "objekt"}},
            "response_json_schema at type",
        ),
        ({"responseMimeType": "text/x.enum", "responseSchema": OBJECT}, "needs a response_schema of STRING type"),
    ],
    ids=[
        "object-without-properties",
        "unknown-required",
        "array-without-items",
        "enum-on-integer",
        "minimum-above-maximum",
        "misspelt-field",
        "schema-without-json",
        "both-schemas",
        "bad-json-schema",
        "enum-mime-without-enum",
    ],
)
def test_malformed_schemas_are_400_with_googles_error_body(vertex, config, message):
    body = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "generationConfig": config}
    status, answer = post(model_url(vertex), body)
    assert status == 400, answer
    assert answer["error"]["status"] == "INVALID_ARGUMENT" and message in answer["error"]["message"]
