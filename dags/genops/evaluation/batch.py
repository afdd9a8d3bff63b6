"""An evaluation's answers from a Vertex AI batch prediction job: at the batch price, with no worker waiting.

One job per configuration and DAG run. Its requests are written as JSONL to the data bucket, each line the
GenerateContentRequest the online path sends (genops.gemini.calls.request_body: same generation config, system
instruction, safety settings and tools), labelled with the example's index. The job carries the run's labels
(genops.core.lineage) and the configuration's, and a display name derived from them, so a retry or a Clear of
the submitting task finds the run's job (list filtered by labels, display name checked again here: the list
answer does not carry labels) instead of paying for a second one.

Vertex AI writes `predictions.jsonl` files under the job's output directory, one line per request in no set
order: `{"status": "", "processed_time": ..., "request": {...}, "response": {...}}` (a request that failed has a
`status` and no response). `read_answers` puts them back in the examples' order; an example without an answer
fails the configuration naming it, so no mean is ever taken over fewer examples. Each answer's usageMetadata
becomes a ledger row at the batch price (genops.gemini.calls.batch_answer).

google-genai 2.11's CreateBatchJobConfig has no `labels` field; they are sent in the request body through
HttpOptions.extra_body, which the BatchPredictionJob resource defines.

Decided before submitting (genops.gates): the job's cost is estimated (counted prompt tokens, every answer at
its profile's max_output_tokens, at the model's batch price) and the job is refused when it would take today's
spend over a daily budget.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from genops.core import config, job_waits
from genops.core.lineage import RunLineage, labels_filter, state_of
from genops.core.naming import label_value, object_segment, short_hash
from genops.gemini.profiles import GenerationProfile
from genops.gemini.prompts import build_prompt

log = logging.getLogger(__name__)

ONLINE, BATCH = "online", "batch"
CONFIG_LABEL = "genops_config"  # the job's configuration (one job per configuration and run)
EXAMPLE_LABEL = "genops_example"  # each request line's example index, echoed in its prediction line
PREDICTIONS_PREFIX = "predictions"
SUCCEEDED = "JOB_STATE_SUCCEEDED"
# End states without a whole set of answers: the wait fails at once on each, with the job's error.
ENDED_WITHOUT_ANSWERS = {
    "JOB_STATE_FAILED": "failed",
    "JOB_STATE_CANCELLED": "was cancelled",
    "JOB_STATE_EXPIRED": "expired (it did not finish within Vertex AI's time limit)",
    "JOB_STATE_PARTIALLY_SUCCEEDED": "only partially succeeded; an evaluation is never scored on fewer examples",
}
COUNT_CHUNK = 100  # prompts per countTokens request of the estimate


class BatchJobEnded(RuntimeError):
    """The job ended without answers; the message names the job, its state and its error."""


class MissingAnswers(RuntimeError):
    """The job succeeded but some examples have no answer; the message names them."""


@dataclass(frozen=True)
class Submission:
    """What the submitting task hands on (XCom): how the configuration is answered, and the job if batch."""

    model_config: str
    model: str  # as online requests name it: a model id or a tuned endpoint
    profile: str
    mode: str  # ONLINE or BATCH
    job: str | None = None  # the batch prediction job's resource name

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Estimate:
    requests: int
    prompt_tokens: int
    max_output_tokens: int
    usd: float | None  # None: the model has no batch price

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.max_output_tokens


def choose_mode(example_count: int, requested: str | None = None) -> str:
    """The mode of GENOPS_EVAL_MODE (or `requested`, a run's own choice) for `example_count` examples: auto is
    batch from GENOPS_BATCH_MIN_EXAMPLES on."""
    mode = requested or config.eval_mode()
    if mode not in config.EVAL_MODES:
        raise config.InvalidSettingError(f"eval mode {mode!r} is not one of {', '.join(config.EVAL_MODES)}")
    if mode == "auto":
        return BATCH if example_count >= config.get_int("GENOPS_BATCH_MIN_EXAMPLES") else ONLINE
    return mode


def config_labels(lineage: RunLineage, model_config: str, *, with_try: bool) -> dict[str, str]:
    labels = lineage.labels() if with_try else lineage.run_labels()
    return {**labels, CONFIG_LABEL: label_value(model_config)}


def display_name(lineage: RunLineage, model_config: str) -> str:
    """The job's display name: the configuration and a hash of DAG, run and configuration (same on every try)."""
    return f"genops-eval-{object_segment(model_config)[:40]}-{short_hash(lineage.dag_id, lineage.run_id, model_config)}"


def object_prefix(lineage: RunLineage, model_config: str) -> str:
    """Where the job's requests and predictions live in the data bucket."""
    return "/".join(
        ("batch", object_segment(lineage.dag_id), object_segment(lineage.run_id), object_segment(model_config))
    )


def request_jsonl(client, examples: list[dict], *, model: str, profile: GenerationProfile) -> str:
    """The job's input: one `{"request": GenerateContentRequest}` line per example, labelled with its index."""
    generation_config = profile.generation_config()
    lines = []
    for index, example in enumerate(examples):
        prompt = build_prompt(example["instruction"], example["context"])
        body = request_body(client, model=model, prompt=prompt, generation_config=generation_config)
        body["labels"] = {EXAMPLE_LABEL: str(index)}
        lines.append(json.dumps({"request": body}, sort_keys=True))
    return "\n".join(lines) + "\n"


def request_body(client, *, model: str, prompt: str, generation_config: Mapping[str, Any]) -> dict:
    from genops.gemini.calls import request_body as online_request_body

    return online_request_body(client, model=model, contents=[prompt], generation_config=generation_config)


def estimate(
    client, examples: list[dict], *, model: str, profile: GenerationProfile, base_model: str | None = None
) -> Estimate:
    """An upper estimate of the job's cost: its prompts counted with countTokens (with the system instruction
    and tools, as each request sends them), every answer at max_output_tokens, at the model's batch price.
    `base_model`: a tuned model's base model, recorded with the counts' usage."""
    from genops.gemini import calls
    from genops.usage import prices

    def count(contents: list[str], generation_config: Mapping[str, Any] | None) -> int:
        return calls.count_tokens(
            model=model,
            contents=contents,
            generation_config=generation_config,
            profile=profile.name,
            client=client,
            base_model=base_model,
        ).total_tokens

    prompts = [build_prompt(example["instruction"], example["context"]) for example in examples]
    per_request = count(["."], profile.generation_config())
    prompt_tokens = sum(
        count(prompts[start : start + COUNT_CHUNK], None) for start in range(0, len(prompts), COUNT_CHUNK)
    )
    prompt_tokens += per_request * len(prompts)  # each request repeats the system instruction and tools
    output_tokens = profile.max_output_tokens * len(prompts)  # thinking counts against it, billed as output
    average_prompt = math.ceil(prompt_tokens / max(len(prompts), 1))
    one = prices.estimate(
        model,
        prices.BATCH_GENERATE_CONTENT,
        prompt_tokens=average_prompt,
        cached_tokens=0,
        output_tokens=profile.max_output_tokens,
        thinking_tokens=0,
    )
    usd = None if one is None else round(one * len(prompts), 6)
    return Estimate(len(prompts), prompt_tokens, output_tokens, usd)


def find_run_job(client, lineage: RunLineage, model_config: str):
    """The batch prediction job an earlier try of this run created for `model_config`, or None (the oldest)."""
    from google.genai import types

    wanted = config_labels(lineage, model_config, with_try=False)
    name = display_name(lineage, model_config)
    pager = client.batches.list(config=types.ListBatchJobsConfig(filter=labels_filter(wanted), page_size=100))
    jobs = [job for job in pager if job.display_name == name]
    if len(jobs) > 1:
        names = [job.name for job in jobs]
        log.warning("Run %s has %d batch jobs for %s: %s", lineage.run_id, len(jobs), model_config, names)
    return min(jobs, key=lambda job: (job.create_time is None, job.create_time, job.name), default=None)


def create_job(client, lineage: RunLineage, *, model_config: str, model: str, src: str, dest: str):
    """Create the configuration's batch prediction job (labels for lineage, display name from them)."""
    from google.genai import types

    job = client.batches.create(
        model=model,
        src=src,
        config=types.CreateBatchJobConfig(
            display_name=display_name(lineage, model_config),
            dest=dest,
            http_options=types.HttpOptions(extra_body={"labels": config_labels(lineage, model_config, with_try=True)}),
        ),
    )
    log.info("Started batch prediction job %s for %s on %s (state %s)", job.name, model_config, src, state_of(job))
    return job


def answers_directory(job) -> str | None:
    """None while the job runs; its output directory (gs://...) once it succeeded; raises if it ended without."""
    state = state_of(job)
    if state in ENDED_WITHOUT_ANSWERS:
        error = job.error.message if job.error and job.error.message else "no error message from Vertex AI"
        stats = job.completion_stats
        counts = (
            f" (succeeded {stats.successful_count}, failed {stats.failed_count}, incomplete {stats.incomplete_count})"
            if stats
            else ""
        )
        ended = ENDED_WITHOUT_ANSWERS[state]
        raise BatchJobEnded(f"Batch prediction job {job.name} {ended} ({state}): {error}{counts}")
    if state != SUCCEEDED:
        return None
    directory = job.output_info.gcs_output_directory if job.output_info else None
    if not directory:
        raise BatchJobEnded(f"Batch prediction job {job.name} succeeded but reports no output directory")
    return directory


def prediction_lines(directory: str) -> list[dict]:
    """Every line of the predictions*.jsonl files under `directory` (gs://bucket/path)."""
    from genops.core import storage

    bucket, _, prefix = directory.removeprefix("gs://").partition("/")
    prefix = prefix.rstrip("/") + "/"
    names = [
        name
        for name in storage.list_names(bucket, prefix)
        if name.rsplit("/", 1)[-1].startswith(PREDICTIONS_PREFIX) and name.endswith(".jsonl")
    ]
    if not names:
        raise MissingAnswers(f"{directory} holds no {PREDICTIONS_PREFIX}*.jsonl file")
    return [json.loads(line) for name in names for line in storage.read_text(bucket, name).splitlines() if line.strip()]


def read_answers(
    directory: str,
    examples: list[dict],
    *,
    model: str,
    profile: str,
    context,
    describe: str,
    base_model: str | None = None,
) -> list[dict]:
    """The evaluation rows (prompt, reference, response) in the examples' order, each answer's usage recorded
    at the batch price (with `base_model`, a tuned model's base model). Fails naming every example without an
    answer (missing, or failed with a status)."""
    from genops.gemini import calls

    by_index: dict[int, dict] = {}
    for line in prediction_lines(directory):
        label = ((line.get("request") or {}).get("labels") or {}).get(EXAMPLE_LABEL)
        if label is None or not label.isdigit() or int(label) >= len(examples):
            raise MissingAnswers(f"{directory}: a prediction line without a known {EXAMPLE_LABEL} label: {label!r}")
        by_index.setdefault(int(label), line)
    problems = []
    for index in range(len(examples)):
        line = by_index.get(index)
        if line is None:
            problems.append(f"example {index + 1} has no prediction line")
        elif line.get("status") or not line.get("response"):
            problems.append(f"example {index + 1} failed: {line.get('status') or 'no response'}")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise MissingAnswers(
            f"{describe}: {len(problems)} of {len(examples)} evaluation examples have no answer in {directory} "
            f"({shown}). The configuration is not scored on fewer examples."
        )
    rows = []
    for index, example in enumerate(examples):
        response = calls.batch_answer(
            by_index[index]["response"], model=model, profile=profile, context=context, base_model=base_model
        )
        prompt = build_prompt(example["instruction"], example["context"])
        if not response.text:
            log.warning("Model %s returned no text (blocked or empty) for: %.60s", model, prompt)
        rows.append({"prompt": prompt, "reference": example["reference"], "response": response.text or ""})
    return rows


def cancel_if_running(client, job_name: str, why: str) -> bool:
    """Cancel the job unless it already ended; returns whether a cancel was sent."""
    return job_waits.cancel_if_running(client.batches, job_name, why, kind="batch prediction job")
