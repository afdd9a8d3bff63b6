"""The training-data validator (genops.tuning.training_data) and the script that validates, then uploads."""

from __future__ import annotations

import importlib.util
import json

import pytest

from genops.gemini.prompts import SUMMARY_INSTRUCTION, SYSTEM_INSTRUCTION, build_prompt, load_eval_dataset
from genops.tuning import training_data
from genops.tuning.training_data import SAMPLE_DATASET, TrainingDataError, validate_file
from tests.conftest import REPO

SAMPLE_LINES = SAMPLE_DATASET.read_text(encoding="utf-8").splitlines()


def _examples() -> list[dict]:
    return [json.loads(line) for line in SAMPLE_LINES]


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _with_line(number: int, example_or_text) -> list[str]:
    """The sample with line `number` (1-based) replaced."""
    text = example_or_text if isinstance(example_or_text, str) else json.dumps(example_or_text)
    return [text if i == number else line for i, line in enumerate(SAMPLE_LINES, start=1)]


def test_the_sample_dataset_passes():
    summary = validate_file(SAMPLE_DATASET)
    assert summary.examples == len(SAMPLE_LINES) >= training_data.MIN_EXAMPLES
    assert summary.size_bytes == SAMPLE_DATASET.stat().st_size


def test_the_sample_teaches_the_prompt_format_the_models_are_evaluated_and_served_with():
    """Tuned on one format and asked in another, a tuned model learns the wrong thing; evaluation data stays out."""
    eval_articles = {example["context"] for example in load_eval_dataset()}
    for example in _examples():
        assert example["systemInstruction"]["parts"] == [{"text": SYSTEM_INSTRUCTION}]
        prompt = example["contents"][0]["parts"][0]["text"]
        article = prompt.removeprefix(build_prompt(SUMMARY_INSTRUCTION, ""))
        assert prompt == build_prompt(SUMMARY_INSTRUCTION, article) and article
        assert article not in eval_articles


def _turns(*roles_and_texts):
    return {"contents": [{"role": role, "parts": [{"text": text}]} for role, text in roles_and_texts]}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (_with_line(5, '{"contents": [{"role": "user"'), ":5: not valid JSON"),
        (_with_line(3, _turns(("user", "Summarize."), ("assistant", "Done."))), ":3: roles are ['user', 'assistant']"),
        (_with_line(4, _turns(("model", "Hi."), ("user", "Summarize."))), ":4: roles are ['model', 'user']"),
        (
            _with_line(7, {"contents": [{"role": "user", "parts": []}, {"role": "model", "parts": [{"text": "x"}]}]}),
            ":7: contents[0] is an empty turn",
        ),
        (_with_line(8, _turns(("user", "Summarize."), ("model", "  "))), ":8: contents[1].parts[0] has empty text"),
        (
            _with_line(2, _turns(("user", "Summarize."), ("model", "A."), ("user", "And?"))),
            ":2: the last turn is the user's",
        ),
        (_with_line(6, {"contents": []}), ":6: 'contents' must be a non-empty list"),
        (_with_line(9, "[1, 2]"), ":9: must be a JSON object"),
        (_with_line(10, ""), ":10: empty line"),
        (SAMPLE_LINES[:15], ": 15 examples; tuning needs at least 16"),
    ],
    ids=[
        "bad-json",
        "wrong-role",
        "model-first",
        "empty-turn",
        "empty-text",
        "user-last",
        "no-contents",
        "not-object",
        "blank-line",
        "too-few",
    ],
)
def test_a_broken_copy_fails_naming_the_file_line_and_problem(tmp_path, lines, expected):
    path = _write(tmp_path, lines)
    with pytest.raises(TrainingDataError) as raised:
        validate_file(path)
    assert f"{path}{expected}" in str(raised.value)
    assert len(raised.value.problems) == 1, raised.value.problems


def test_every_problem_is_reported_at_once(tmp_path):
    lines = _with_line(2, "not json")
    lines[10] = json.dumps(_turns(("user", "Summarize.")))
    with pytest.raises(TrainingDataError) as raised:
        validate_file(_write(tmp_path, lines), source="gs://b/train.jsonl")
    assert [p.split(": ")[0] for p in raised.value.problems] == ["gs://b/train.jsonl:2", "gs://b/train.jsonl:11"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(training_data, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\xff" * 101)  # unreadable as UTF-8: reading it would add a second problem
    with pytest.raises(TrainingDataError) as raised:
        validate_file(path)
    assert raised.value.problems == [f"{path}: 101 bytes is over the 100-byte limit"]


def test_too_many_examples_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(training_data, "MAX_EXAMPLES", 19)
    with pytest.raises(TrainingDataError, match="20 examples is over the limit of 19"):
        validate_file(SAMPLE_DATASET)


# --- scripts/data/validate_training_data.py ---------------------------------------------------------------


@pytest.fixture
def script(monkeypatch):
    """The script as a module, its GCS upload replaced by a recorder."""
    spec = importlib.util.spec_from_file_location(
        "validate_training_data", REPO / "scripts/data/validate_training_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.uploads = []
    monkeypatch.setattr(
        module, "upload_file", lambda path, bucket, name: module.uploads.append((path, bucket, name)) or "gs://x/y"
    )
    for name in ("GENOPS_DATA_BUCKET", "GENOPS_TRAINING_DATA_OBJECT", "GENOPS_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    return module


def test_script_uploads_a_valid_file_to_the_configured_object(script, monkeypatch):
    monkeypatch.setenv("GENOPS_DATA_BUCKET", "lab-data")
    assert script.main([str(SAMPLE_DATASET)]) == 0
    assert script.uploads == [(SAMPLE_DATASET, "lab-data", "training/sft_train.jsonl")]


def test_script_dry_run_validates_and_uploads_nothing(script, capsys):
    assert script.main(["--dry-run", "--object", "training/v2.jsonl"]) == 0
    assert script.uploads == []
    assert "would upload to gs://$GENOPS_DATA_BUCKET/training/v2.jsonl" in capsys.readouterr().out


def test_script_refuses_bad_data_and_uploads_nothing(script, tmp_path, capsys):
    path = _write(tmp_path, _with_line(3, _turns(("user", "Summarize."))))
    assert script.main([str(path), "--bucket", "lab-data"]) == 1
    assert script.uploads == []
    err = capsys.readouterr().err
    assert f"{path}:3: the last turn is the user's" in err and "Nothing was uploaded" in err


def test_script_without_a_bucket_names_the_setting_and_uploads_nothing(script, capsys):
    assert script.main([str(SAMPLE_DATASET)]) == 2
    assert script.uploads == []
    assert "GENOPS_DATA_BUCKET is not set" in capsys.readouterr().err
