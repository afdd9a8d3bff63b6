"""Supervised tuning jobs for the Vertex AI stand-in: a simulated life, and the tuned endpoint it publishes.

A job is PENDING for `pending_seconds` after creation, then RUNNING until `pending_seconds + running_seconds`,
then SUCCEEDED (its tuned model and endpoint are published: generateContent/countTokens accept the endpoint) or
FAILED. The state is computed from the clock when the job is read: no background thread.

A job fails when its training dataset asks for it (FAIL_MARKER in the gs:// file's name or content) or when the
dataset is not Gemini's supervised tuning format (each line a JSON object with non-empty `contents` of
user/model turns), with the error Vertex AI reports (code 3, INVALID_ARGUMENT). Cancelling a job that has not
ended makes it CANCELLED; cancelling an ended job is FAILED_PRECONDITION.

`list` understands the filters the DAGs use: `labels.KEY="VALUE"` and `state="JOB_STATE_..."` joined by AND.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from scripts.local.cloud.http import ApiError
from scripts.local.cloud.vertex_schema import filter_terms

FAIL_MARKER = "force-tuning-failure"
ENDED = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"}
FILTER_TERM = re.compile(r'\s*(labels\.(?P<label>[a-z0-9_-]+)|(?P<state>state))\s*=\s*"(?P<value>[^"]*)"\s*')
DEFAULT_PAGE_SIZE = 50


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def dataset_problem(uri: str, content: bytes) -> str | None:
    """Why the training file cannot be used (None if it can); FAIL_MARKER in name or content always fails."""
    if FAIL_MARKER in uri or FAIL_MARKER.encode() in content:
        return f"Training dataset {uri} asked this local stand-in to fail the job ({FAIL_MARKER})."
    lines = [line for line in content.decode("utf-8", errors="replace").splitlines() if line.strip()]
    if not lines:
        return f"Training dataset {uri} is empty."
    for number, line in enumerate(lines, start=1):
        try:
            example = json.loads(line)
        except ValueError:
            return f"Training dataset {uri} line {number} is not valid JSON."
        contents = example.get("contents") if isinstance(example, dict) else None
        if not isinstance(contents, list) or not contents:
            return f"Training dataset {uri} line {number} has no `contents`."
        roles = [turn.get("role") for turn in contents if isinstance(turn, dict)]
        if len(roles) != len(contents) or not set(roles) <= {"user", "model"} or roles[-1] != "model":
            return f"Training dataset {uri} line {number}: turns must be user/model and end with a model turn."
    return None


@dataclass
class TuningJob:
    name: str
    body: dict  # what the client sent (validated), echoed back camelCase
    created: float
    problem: str | None
    tuned_model: str
    tuned_endpoint: str
    cancelled_at: float | None = None
    labels: dict = field(default_factory=dict)


Job = TypeVar("Job")


class JobCalls(Generic[Job]):
    """The get, cancel and list calls of a stand-in's long-running jobs (tuning, batch prediction).

    A subclass keeps its jobs in `_jobs` (resource name -> job) under `_lock`, computes `state(job)` and
    `render(job)`, and names them: `collection`, the resource name's segment and the list's field
    (`tuningJobs`); `resource`, the type a 404 names (`TuningJob`); `noun`, the job a refused cancel names
    (`tuning job`); `ended`, the end states. An ended job, or one being cancelled, is not cancelled again.
    """

    collection: str
    resource: str
    noun: str
    ended: set[str]

    _jobs: dict[str, Job]
    _lock: threading.Lock

    def state(self, job: Job, now: float | None = None) -> str:
        raise NotImplementedError

    def render(self, job: Job) -> dict:
        raise NotImplementedError

    def _job(self, name: str) -> Job:
        with self._lock:
            job = self._jobs.get(name)
        if job is None:
            raise ApiError(404, f"The {self.resource} does not exist: {name}")
        return job

    def get(self, name: str) -> dict:
        return self.render(self._job(name))

    def cancel(self, name: str) -> dict:
        job = self._job(name)
        state = self.state(job)
        if state in self.ended or state == "JOB_STATE_CANCELLING":
            raise ApiError(400, f"Cannot cancel {self.noun} {name} in state {state}.", "FAILED_PRECONDITION")
        job.cancelled_at = time.time()
        return {}

    def list(self, parent: str, filter_text: str | None, page_size: int | None, page_token: str | None) -> dict:
        with self._lock:
            jobs = [job for job in self._jobs.values() if job.name.startswith(f"{parent}/{self.collection}/")]
        return list_page(self.collection, [self.render(job) for job in jobs], filter_text, page_size, page_token)


class Tuning(JobCalls[TuningJob]):
    """The tuning jobs of one stand-in. `read_dataset(gs_uri) -> bytes` fetches training files."""

    collection, resource, noun = "tuningJobs", "TuningJob", "tuning job"
    ended = ENDED

    def __init__(self, read_dataset: Callable[[str], bytes], pending_seconds: float, running_seconds: float):
        self.read_dataset = read_dataset
        self.pending_seconds = pending_seconds
        self.running_seconds = running_seconds
        self._jobs: dict[str, TuningJob] = {}
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()

    def endpoint_base_model(self, endpoint: str) -> str | None:
        """The base model id behind a published tuned endpoint; None if no succeeded job published it."""
        with self._lock:
            jobs = [job for job in self._jobs.values() if job.tuned_endpoint == endpoint]
        for job in jobs:
            if self.state(job) == "JOB_STATE_SUCCEEDED":
                return job.body["baseModel"].rsplit("/", 1)[-1]
        return None

    def tuned_model_endpoint(self, model: str) -> str | None:
        """The endpoint published with tuned model `model` (projects/.../models/N, with or without @version)."""
        with self._lock:
            jobs = [job for job in self._jobs.values() if job.tuned_model.split("@")[0] == model.split("@")[0]]
        for job in jobs:
            if self.state(job) == "JOB_STATE_SUCCEEDED":
                return job.tuned_endpoint
        return None

    def state(self, job: TuningJob, now: float | None = None) -> str:
        now = time.time() if now is None else now
        age = now - job.created
        if job.cancelled_at is not None:
            return "JOB_STATE_CANCELLED"
        if age < self.pending_seconds:
            return "JOB_STATE_PENDING"
        if age < self.pending_seconds + self.running_seconds:
            return "JOB_STATE_RUNNING"
        return "JOB_STATE_FAILED" if job.problem else "JOB_STATE_SUCCEEDED"

    def create(self, parent: str, body: dict) -> dict:
        """Create a job under `parent` (projects/P/locations/L) from a TuningJob body already schema-checked."""
        base_model = body.get("baseModel")
        uri = (body.get("supervisedTuningSpec") or {}).get("trainingDatasetUri")
        if not base_model:
            raise ApiError(400, "base_model is required.")
        if not uri:
            raise ApiError(400, "supervised_tuning_spec.training_dataset_uri is required.")
        if not uri.startswith("gs://"):
            raise ApiError(400, f"Training dataset URI must be a Cloud Storage URI (gs://...), got {uri!r}.")
        problem = dataset_problem(uri, self.read_dataset(uri))
        with self._lock:
            number = next(self._ids)
            job = TuningJob(
                name=f"{parent}/tuningJobs/{number}",
                body=body,
                created=time.time(),
                problem=problem,
                tuned_model=f"{parent}/models/{number}@1",
                tuned_endpoint=f"{parent}/endpoints/{number}",
                labels=dict(body.get("labels") or {}),
            )
            self._jobs[job.name] = job
        return self.render(job)

    def render(self, job: TuningJob) -> dict:
        """The TuningJob resource as the REST API returns it (camelCase JSON)."""
        state = self.state(job)
        started = job.created + self.pending_seconds
        resource = {
            **job.body,
            "name": job.name,
            "state": state,
            "createTime": _timestamp(job.created),
            "updateTime": _timestamp(min(time.time(), started + self.running_seconds)),
        }
        if state != "JOB_STATE_PENDING":
            resource["startTime"] = _timestamp(started)
        if state in ENDED:
            ended = job.cancelled_at if job.cancelled_at is not None else started + self.running_seconds
            resource["endTime"] = _timestamp(ended)
        if state == "JOB_STATE_SUCCEEDED":
            resource["tunedModel"] = {"model": job.tuned_model, "endpoint": job.tuned_endpoint}
        if state == "JOB_STATE_FAILED":
            resource["error"] = {"code": 3, "message": job.problem}
        if state == "JOB_STATE_CANCELLED":
            resource["error"] = {"code": 1, "message": "CANCELED"}
        return resource


def list_page(
    field_name: str, rendered: list[dict], filter_text: str | None, page_size: int | None, page_token: str | None
) -> dict:
    """A list call's answer: the jobs `filter_text` matches, newest first, one page of them under `field_name`."""
    terms = parse_filter(filter_text)
    matching = sorted((job for job in rendered if matches(job, terms)), key=lambda job: job["createTime"], reverse=True)
    start = int(page_token) if page_token else 0
    size = page_size or DEFAULT_PAGE_SIZE
    page = matching[start : start + size]
    result = {field_name: page} if page else {}
    if start + size < len(matching):
        result["nextPageToken"] = str(start + size)
    return result


def parse_filter(text: str | None) -> list[tuple[str, str, str]]:
    """`labels.a="b" AND state="JOB_STATE_RUNNING"` -> [("label", "a", "b"), ("state", "", "...")]; else 400."""
    return [
        ("label", match["label"], match["value"]) if match["label"] else ("state", "", match["value"])
        for match in filter_terms(text, FILTER_TERM, 'labels.KEY="VALUE" or state="..." joined by AND')
    ]


def matches(job: dict, terms: list[tuple[str, str, str]]) -> bool:
    for kind, key, value in terms:
        if kind == "label" and (job.get("labels") or {}).get(key) != value:
            return False
        if kind == "state" and job["state"] != value:
            return False
    return True
