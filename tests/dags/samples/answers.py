"""Answers a model could give to the samples' prompts: valid ones, and malformed ones the checks must reject."""

from __future__ import annotations

import json

FEEDBACK = {
    "personalization": 8,
    "competency": 9,
    "convenience": 7,
    "proactiveness": 6,
    "sentiment": "positive",
    "resolved": True,
    "reasoning": "The agent used the customer's name, fixed the billing error and explained the refund timeline.",
}
# Out of range, wrong type, missing field: each must be named in the error.
FEEDBACK_MALFORMED = {**{k: v for k, v in FEEDBACK.items() if k != "reasoning"}, "competency": 11, "resolved": "yes"}

VIDEO_SUMMARY = {
    "title": "Animals at the water",
    "summary": "Several animals drink and play at a river bank.",
    "spoken_content": "",
    "topics": ["wildlife", "rivers"],
}
VIDEO_SCENES = {
    "scenes": [
        {"start_seconds": 0, "end_seconds": 4.5, "subject": "deer", "action": "drinks", "setting": "river bank"},
        {"start_seconds": 4.5, "end_seconds": 9, "subject": "otter", "action": "swims", "setting": "river"},
    ]
}
VIDEO_SCENES_BACKWARDS = {"scenes": [{**VIDEO_SCENES["scenes"][0], "start_seconds": 5, "end_seconds": 2}]}

PDF_SUMMARY = {
    "title": "Orchestrating generative AI",
    "summary": "Workflow orchestrators schedule, retry and audit model calls.",
    "key_points": ["Schedule model calls", "Gate on cost and quality"],
}
PDF_TRANSLATION = {
    "language": "Spanish",
    "title": "Orquestar la IA generativa",
    "summary": "Los orquestadores programan, reintentan y auditan las llamadas a modelos.",
    "key_points": ["Programar llamadas", "Controlar coste y calidad"],
}

INSIGHT = {"answer": "Electric bikes dominate weekend trips.", "evidence": ["bike_type"], "confidence": "medium"}

STATUS_REPORT = {
    "headline": "One DAG failed twice; the rest ran cleanly.",
    "overall_health": "degraded",
    "dags_needing_attention": [{"dag_id": "count_tokens", "failed_runs": 2, "observation": "Failed twice."}],
    "recommendations": ["Check the count_tokens task logs."],
}


def text(answer) -> str:
    return json.dumps(answer)
