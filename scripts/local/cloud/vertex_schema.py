"""Requests checked against the real Vertex AI API's schema: the proto-plus types of google-cloud-aiplatform.

JSON parsing with `ignore_unknown_fields=False` refuses what the real API refuses (unknown fields, wrong types,
unknown enum values) and accepts what it accepts (camelCase or proto field names); the error becomes HTTP 400
INVALID_ARGUMENT with a google.rpc.BadRequest detail, as Google's REST APIs answer.
"""

from __future__ import annotations

import json
import re

from scripts.local.cloud.http import ApiError


def message_type(type_name: str, version: str):
    """google.cloud.aiplatform_<version>.types.<type_name> (version: "v1" or "v1beta1")."""
    from google.cloud import aiplatform_v1, aiplatform_v1beta1

    return getattr((aiplatform_v1 if version == "v1" else aiplatform_v1beta1).types, type_name)


def parse(type_name: str, body, version: str):
    """`body` (decoded JSON) as a `type_name` message; a 400 like the real API's when it is not one."""
    if not isinstance(body, dict):
        raise ApiError(400, f"Invalid JSON payload received. Expected an object for {type_name}.")
    try:
        return message_type(type_name, version).from_json(json.dumps(body), ignore_unknown_fields=False)
    except Exception as error:  # google.protobuf.json_format.ParseError
        raise ApiError(
            400,
            f"Invalid JSON payload received. {error}",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"description": str(error).splitlines()[0]}],
                }
            ],
        ) from None


def normalised(type_name: str, body, version: str) -> dict:
    """`body` checked, then re-encoded as the API answers it: camelCase names, enum names, no defaults."""
    message = parse(type_name, body, version)
    encoded = type(message).to_json(message, use_integers_for_enums=False, including_default_value_fields=False)
    return json.loads(encoded)


def filter_terms(text: str | None, term: re.Pattern, usage: str) -> list[re.Match]:
    """A list call's `filter` (terms joined by AND, each matching `term`) as matches; 400 naming `usage` else."""
    if not text or not text.strip():
        return []
    matches = [term.fullmatch(part) for part in re.split(r"\s+AND\s+", text.strip())]
    if not all(matches):
        raise ApiError(400, f"Unsupported filter {text!r}: use {usage}.")
    return matches
