"""data_insights: analysis questions about a sample of a BigQuery table, answered with structured output."""

from __future__ import annotations

import csv
import io

from genops.samples.optional import OptionalSetting
from genops.samples.structured import structured_profile

SOURCE_TABLE = OptionalSetting(
    "GENOPS_INSIGHTS_SOURCE_TABLE",
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_-]{1,1024}",
    form="a table id <project>.<dataset>.<table>",
    example="bigquery-public-data.austin_bikeshare.bikeshare_trips",
    skips="the data_insights analysis",
)
SAMPLE_ROWS = 50  # rows sent to Gemini; the budget gate checks what they cost in tokens

QUESTIONS = {
    "trends": "Which underlying trends do you see in customer activity?",
    "user_experience": "Which actions would improve our customers' experience while keeping the current budget?",
    "monetization": "How could we further monetize the business or add new revenue streams?",
    "new_data_points": "Which new data points should we capture to improve our analytics?",
}

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "description": "A plain-text paragraph of at most 100 words."},
        "evidence": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": 5,
            "description": "Columns and values in the data sample that support the answer.",
        },
        "confidence": {"type": "string", "enum": ["low", "medium", "high"]},
    },
    "required": ["answer", "evidence", "confidence"],
    "property_ordering": ["answer", "evidence", "confidence"],
}
INSTRUCTION = (
    "You are a data scientist and business analyst. You get a sample of a table as CSV and one question. "
    "Answer from the sample only, and say how confident the sample lets you be."
)
PROFILE = structured_profile("insight", ANSWER_SCHEMA, system_instruction=INSTRUCTION)


def rows_as_csv(rows: list[dict]) -> str:
    """The sample as CSV: a header once, then one short line per row (far fewer tokens than JSON)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: "" if value is None else str(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


def sample_text(rows: list[dict]) -> str:
    return f"Data sample (CSV):\n{rows_as_csv(rows)}"


def question_contents(question: str, sample):
    """One user turn: the question, then the sample (an XComArg in the DAG: kept whole so it sets the dependency)."""
    return [{"role": "user", "parts": [{"text": question}, {"text": sample}]}]


# The longest question with the sample: what the budget gate counts (each question costs about this).
LONGEST_QUESTION = max(QUESTIONS.values(), key=len)
