"""pdf_coalesce: one summary of every staged PDF, then its translation, both with structured output."""

from __future__ import annotations

from genops.samples.structured import InvalidAnswerError, structured_profile

PDF_FOLDER = "pdfs"  # under <GENOPS_SAMPLES_PREFIX>/inputs/
MAX_PDFS = 10  # a request carries at most this many documents; more fail the listing with a clear error

INSTRUCTION = "You are a careful analyst. Use only the documents you are given; never add facts."

SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "A title covering all the documents."},
        "summary": {"type": "string", "description": "One plain-text paragraph of at most 120 words."},
        "key_points": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 8},
    },
    "required": ["title", "summary", "key_points"],
    "property_ordering": ["title", "summary", "key_points"],
}
SUMMARY_PROMPT = "Coalesce all of these PDF documents into a single summary."

TRANSLATION_SCHEMA = {
    "type": "object",
    "properties": {
        "language": {"type": "string", "description": "The language translated into."},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "key_points": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 8},
    },
    "required": ["language", "title", "summary", "key_points"],
    "property_ordering": ["language", "title", "summary", "key_points"],
}

SUMMARY_PROFILE = structured_profile("pdf_summary", SUMMARY_SCHEMA, system_instruction=INSTRUCTION)
TRANSLATION_PROFILE = structured_profile(
    "pdf_translation", TRANSLATION_SCHEMA, system_instruction="You are a professional translator."
)


def summary_contents(pdf_uris: list[str]) -> list[dict]:
    parts = [{"file_data": {"file_uri": uri, "mime_type": "application/pdf"}} for uri in pdf_uris]
    return [{"role": "user", "parts": [*parts, {"text": SUMMARY_PROMPT}]}]


def translation_contents(summary: dict, language: str) -> list[dict]:
    import json

    prompt = (
        f"Translate every string value of this JSON object into {language}; keep the keys and the order of "
        f'key_points, and set "language" to "{language}".\n\n{json.dumps(summary, ensure_ascii=False)}'
    )
    return [{"role": "user", "parts": [{"text": prompt}]}]


def check_translation(translation: dict, summary: dict) -> dict:
    """A translation must keep every key point: one translated point per original point."""
    if len(translation["key_points"]) != len(summary["key_points"]):
        raise InvalidAnswerError(
            f"the translation has {len(translation['key_points'])} key points but the summary has "
            f"{len(summary['key_points'])}; nothing was written."
        )
    return translation
