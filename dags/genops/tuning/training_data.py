"""Check a supervised-tuning JSONL file before it is uploaded or tuned on: one validator for the script and DAGs.

The format is Gemini's tuning format on Vertex AI: one example per line, an optional `systemInstruction`
and `contents` turns that alternate user/model, start with the user and end with the model's answer.
Limits (Gemini 2.5 Flash/Pro, https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning):
at most 1 GB per JSONL file and 1M text examples. The minimum is the lab's own: fewer examples teach nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from genops.core.paths import DATA_DIR

SAMPLE_DATASET = DATA_DIR / "sft_train.jsonl"

MIN_EXAMPLES = 16
MAX_EXAMPLES = 1_000_000
MAX_FILE_BYTES = 1024**3
ROLES = ("user", "model")  # the order turns alternate in, starting with the user
MAX_REPORTED_PROBLEMS = 20  # enough to fix a batch at a time without flooding the log


class TrainingDataError(ValueError):
    """The training file cannot be tuned on; each problem names the file, the line and what is wrong."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        shown = "\n".join(f"  {problem}" for problem in problems[:MAX_REPORTED_PROBLEMS])
        more = len(problems) - MAX_REPORTED_PROBLEMS
        super().__init__(
            f"{source} is not valid supervised-tuning data ({len(problems)} problem(s)); fix them and upload "
            f"again:\n{shown}" + (f"\n  ... and {more} more" if more > 0 else "")
        )


@dataclass(frozen=True)
class TrainingDataSummary:
    source: str
    examples: int
    size_bytes: int

    def as_dict(self) -> dict:
        return asdict(self)


def _part_problem(part) -> str | None:
    if not isinstance(part, dict):
        return "is not an object"
    if isinstance(part.get("text"), str):
        return None if part["text"].strip() else "has empty text"
    file_data = part.get("fileData")
    if isinstance(file_data, dict) and file_data.get("fileUri") and file_data.get("mimeType"):
        return None
    return 'needs non-empty "text" (or "fileData" with "fileUri" and "mimeType")'


def _parts_problems(where: str, parts) -> list[str]:
    if not isinstance(parts, list) or not parts:
        return [f"{where} is an empty turn: it needs a non-empty list of parts"]
    problems = []
    for index, part in enumerate(parts):
        problem = _part_problem(part)
        if problem:
            problems.append(f"{where}.parts[{index}] {problem}")
    return problems


def example_problems(example) -> list[str]:
    """Everything wrong with one parsed example (empty list: it can be tuned on)."""
    if not isinstance(example, dict):
        return ["must be a JSON object with a 'contents' list"]
    problems = []
    system = example.get("systemInstruction")
    if system is not None:
        problems += _parts_problems("systemInstruction", system.get("parts") if isinstance(system, dict) else None)
    contents = example.get("contents")
    if not isinstance(contents, list) or not contents:
        return [*problems, "'contents' must be a non-empty list of user/model turns"]
    for index, turn in enumerate(contents):
        if isinstance(turn, dict):
            problems += _parts_problems(f"contents[{index}]", turn.get("parts"))
        else:
            problems.append(f"contents[{index}] is not an object")
    roles = [turn.get("role") if isinstance(turn, dict) else None for turn in contents]
    if roles != [ROLES[index % 2] for index in range(len(roles))]:
        problems.append(f"roles are {roles}; turns must alternate 'user', 'model', ... starting with 'user'")
    elif roles[-1] != "model":
        problems.append("the last turn is the user's; end with the model's answer (role 'model'), the target it learns")
    return problems


def validate_lines(lines, *, source: str, size_bytes: int) -> TrainingDataSummary:
    """Check every line (bytes, as read from the file) and the file's limits; raise listing all problems."""
    if size_bytes > MAX_FILE_BYTES:
        raise TrainingDataError(source, [f"{source}: {size_bytes} bytes is over the {MAX_FILE_BYTES}-byte limit"])
    problems, examples = [], 0
    for number, raw in enumerate(lines, start=1):
        where = f"{source}:{number}"
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            problems.append(f"{where}: not UTF-8 text")
            continue
        if not line.strip():
            problems.append(f"{where}: empty line; JSONL needs one example per line")
            continue
        examples += 1
        try:
            example = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{where}: not valid JSON ({err.msg} at column {err.colno})")
            continue
        problems += [f"{where}: {problem}" for problem in example_problems(example)]
    if examples < MIN_EXAMPLES:
        problems.append(
            f"{source}: {examples} examples; tuning needs at least {MIN_EXAMPLES} (Vertex AI suggests 100+)"
        )
    if examples > MAX_EXAMPLES:
        problems.append(f"{source}: {examples} examples is over the limit of {MAX_EXAMPLES}")
    if problems:
        raise TrainingDataError(source, problems)
    return TrainingDataSummary(source=source, examples=examples, size_bytes=size_bytes)


def validate_file(path: Path, *, source: str | None = None) -> TrainingDataSummary:
    """Validate a local JSONL file; `source` names it in errors (e.g. its gs:// URI when downloaded)."""
    path = Path(path)
    size, source = path.stat().st_size, source or str(path)
    if size > MAX_FILE_BYTES:  # refuse before reading a file that could not be tuned on anyway
        return validate_lines([], source=source, size_bytes=size)
    with path.open("rb") as handle:
        return validate_lines(handle, source=source, size_bytes=size)
