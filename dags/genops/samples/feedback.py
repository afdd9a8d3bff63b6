"""customer_service_feedback: score a customer service transcript with structured output, as a table row."""

from __future__ import annotations

from datetime import datetime

from genops.core.paths import SCHEMAS_DIR
from genops.evaluation.results import validate_row
from genops.samples.structured import structured_profile

TRANSCRIPT = ("feedback", "transcript.txt")  # under <GENOPS_SAMPLES_PREFIX>/inputs/
SCHEMA_FILE = SCHEMAS_DIR / "customer_feedback.json"
TABLE_SETTING = "GENOPS_FEEDBACK_TABLE"

SCORES = {
    "personalization": "How well the agent tailored the help to this customer.",
    "competency": "How well the agent knew the product and the process.",
    "convenience": "How little effort the customer had to spend.",
    "proactiveness": "How well the agent anticipated the customer's next problem.",
}

RESPONSE_SCHEMA = {
    "type": "object",
    "properties": {
        **{
            name: {"type": "integer", "minimum": 1, "maximum": 10, "description": f"{meaning} 1 (poor) to 10."}
            for name, meaning in SCORES.items()
        },
        "sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
        "resolved": {"type": "boolean", "description": "Whether the issue was resolved in this call."},
        "reasoning": {"type": "string", "description": "Two to four sentences that justify the scores."},
    },
    "required": [*SCORES, "sentiment", "resolved", "reasoning"],
    "property_ordering": [*SCORES, "sentiment", "resolved", "reasoning"],
}

INSTRUCTION = (
    "You review customer service calls for a quality team. Score only what the transcript shows; "
    "when the transcript gives no evidence for a score, give 5 and say so in the reasoning."
)
PROMPT = "Score the customer service agent in this transcript."

PROFILE = structured_profile("feedback", RESPONSE_SCHEMA, system_instruction=INSTRUCTION)


def feedback_row(answer: dict, *, transcript_uri: str, model: str, dag_id: str, run_id: str, checked_at: datetime):
    """One customer_feedback row from a checked answer, validated against the table's schema file."""
    row = {
        "feedback_id": f"{dag_id}/{run_id}",
        "scored_at": checked_at.isoformat(),
        "dag_id": dag_id,
        "run_id": run_id,
        "transcript_uri": transcript_uri,
        "model": model,
        **{name: answer[name] for name in (*SCORES, "sentiment", "resolved", "reasoning")},
    }
    return validate_row(row, SCHEMA_FILE, row_name=f"feedback row for {transcript_uri}")
