"""Prompts and the evaluation dataset of the lab's task: summarizing short articles."""

from __future__ import annotations

import json
from pathlib import Path

from genops.core.paths import DATA_DIR

EVAL_DATASET = DATA_DIR / "eval_dataset.jsonl"

SYSTEM_INSTRUCTION = (
    "You are a concise technical writer. Answer only from the text you are given, in plain English, without preamble."
)

SAMPLE_PROMPT = (
    "Summarize in two sentences why teams run generative-AI workloads on a workflow orchestrator: "
    "scheduled and event-driven runs, retries, lineage of prompts and results, gates on cost and quality, "
    "and one place to audit what was sent to which model."
)

SUMMARY_INSTRUCTION = "Summarize the following article in one sentence."


def build_prompt(instruction: str, context: str) -> str:
    """The prompt a model sees for one evaluation example."""
    return f"{instruction}\n\nArticle:\n{context}"


def load_eval_dataset(path: Path = EVAL_DATASET) -> list[dict[str, str]]:
    """Read the evaluation examples: each has `context`, `instruction` and `reference`."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = {"context", "instruction", "reference"} - row.keys()
        if missing:
            raise ValueError(f"{path}:{number}: missing field(s) {sorted(missing)}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no evaluation examples")
    return rows
