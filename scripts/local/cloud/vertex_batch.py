"""Batch prediction jobs (batchPredictionJobs) for the Vertex AI stand-in: Gemini requests read from Cloud
Storage, answered by the same deterministic generator as generateContent, predictions written back.

A job is created PENDING, RUNNING after `pending_seconds`, and ends `running_seconds` later. The state is
computed from the clock when the job is read; the answers are computed by a thread started at create (the job's
work), and written to the storage emulator the first time the job is read as succeeded:
`<outputUriPrefix>/prediction-model-<create time>/predictions.jsonl`, one line per request
(`{"status": "", "processed_time", "request", "response"}`; a failed request has a `status` and no `response`)
in the reverse of the input's order, since Vertex AI does not keep it. `outputInfo.gcsOutputDirectory` names
that directory and `completionStats` counts the requests.

What Vertex AI checks at create is checked here, as 400 INVALID_ARGUMENT: the body is a BatchPredictionJob
(vertex_schema), with a display name, a Gemini publisher model (unknown: 404) or a tuned model, JSONL in from
gs:// and JSONL out to gs://. Each request line is checked against GenerateContentRequest when the job runs; a
bad line fails that request (its `status`), as on Vertex AI.

Failure modes, injected through the input (as the tuning stand-in's):
- FAIL_MARKER in the input's URI or content: the job ends FAILED with an error (code 3);
- EXPIRE_MARKER: the job ends EXPIRED (code 4, DEADLINE_EXCEEDED);
- DROP_MARKER in a request's text: its prediction line is missing (the job still SUCCEEDED);
- ERROR_MARKER in a request's text: its line has a `status` error and no response.
Cancelling a job that has not ended makes it CANCELLING, then CANCELLED; an ended job is FAILED_PRECONDITION.
`list` filters on `labels.KEY="VALUE"` and `state="..."` joined by AND, as the tuning jobs' list.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from scripts.local.cloud.http import ApiError
from scripts.local.cloud.vertex_tuning import JobCalls, _timestamp

FAIL_MARKER = "force-batch-failure"
EXPIRE_MARKER = "force-batch-expiry"
DROP_MARKER = "[local:drop-answer]"
ERROR_MARKER = "[local:answer-error]"
ENDED = {
    "JOB_STATE_SUCCEEDED",
    "JOB_STATE_FAILED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_EXPIRED",
    "JOB_STATE_PARTIALLY_SUCCEEDED",
}
CANCELLING_SECONDS = 0.2


class GcsWriter:
    """Writes gs://bucket/object through the Cloud Storage emulator's JSON API (media upload)."""

    def __init__(self, host: str | None):
        self.host = host.rstrip("/") if host else None

    def __call__(self, uri: str, data: bytes, content_type: str = "application/jsonl") -> None:
        bucket, _, name = uri.removeprefix("gs://").partition("/")
        if self.host is None:
            raise ApiError(400, f"Cannot write {uri}: this local Vertex AI has no Cloud Storage.")
        host = self.host if "://" in self.host else f"http://{self.host}"
        request = urllib.request.Request(
            f"{host}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={urllib.parse.quote(name, safe='')}",
            data=data,
            headers={"Content-Type": content_type},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60):
            pass


@dataclass
class BatchJob:
    name: str
    body: dict  # what the client sent (validated), camelCase
    created: float
    lines: list[dict] | None  # the request lines; None when the input could not be read
    problem: str | None  # why the job fails (FAILED)
    expired: bool = False
    cancelled_at: float | None = None
    output_directory: str | None = None
    stats: dict = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)  # the prediction lines, once `worker` has run
    worker: threading.Thread | None = None


class BatchPrediction(JobCalls[BatchJob]):
    """The batch prediction jobs of one stand-in.

    `read(gs_uri) -> bytes` and `write(gs_uri, bytes)` reach Cloud Storage; `answer(model, request_json)` is
    generateContent's JSON answer (raises ApiError for a bad request); `model_known(model)` says whether the
    publisher or tuned model exists.
    """

    collection, resource, noun = "batchPredictionJobs", "BatchPredictionJob", "batch prediction job"
    ended = ENDED

    def __init__(
        self,
        read: Callable[[str], bytes],
        write: Callable[[str, bytes], None],
        answer: Callable[[str, dict], dict],
        model_known: Callable[[str], bool],
        pending_seconds: float,
        running_seconds: float,
    ):
        self.read, self.write, self.answer, self.model_known = read, write, answer, model_known
        self.pending_seconds, self.running_seconds = pending_seconds, running_seconds
        self._jobs: dict[str, BatchJob] = {}
        self._ids = itertools.count(7000)
        self._lock = threading.Lock()

    # --- state --------------------------------------------------------------------------------------------

    def state(self, job: BatchJob, now: float | None = None) -> str:
        now = time.time() if now is None else now
        if job.cancelled_at is not None:
            return "JOB_STATE_CANCELLING" if now - job.cancelled_at < CANCELLING_SECONDS else "JOB_STATE_CANCELLED"
        age = now - job.created
        if age < self.pending_seconds:
            return "JOB_STATE_PENDING"
        if age < self.pending_seconds + self.running_seconds:
            return "JOB_STATE_RUNNING"
        if job.expired:
            return "JOB_STATE_EXPIRED"
        return "JOB_STATE_FAILED" if job.problem else "JOB_STATE_SUCCEEDED"

    # --- calls (get, cancel and list: JobCalls) -----------------------------------------------------------

    def create(self, parent: str, body: dict) -> dict:
        """Create a job under `parent` from a BatchPredictionJob body already schema-checked (vertex_schema)."""
        if not body.get("displayName"):
            raise ApiError(400, "BatchPredictionJob.display_name is required.")
        model = body.get("model") or ""
        if not model:
            raise ApiError(400, "BatchPredictionJob.model is required.")
        if not self.model_known(model):
            raise ApiError(404, f"Model `{model}` was not found or your project does not have access to it.")
        source = body.get("inputConfig") or {}
        uris = (source.get("gcsSource") or {}).get("uris") or []
        if source.get("instancesFormat") != "jsonl" or len(uris) != 1 or not uris[0].startswith("gs://"):
            raise ApiError(400, "inputConfig must be instancesFormat 'jsonl' with one gcsSource.uris gs:// file.")
        output = body.get("outputConfig") or {}
        prefix = (output.get("gcsDestination") or {}).get("outputUriPrefix") or ""
        if output.get("predictionsFormat") != "jsonl" or not prefix.startswith("gs://"):
            raise ApiError(400, "outputConfig must be predictionsFormat 'jsonl' with a gs:// outputUriPrefix.")
        lines, problem, expired = self._read_input(uris[0])
        with self._lock:
            job = BatchJob(
                name=f"{parent}/batchPredictionJobs/{next(self._ids)}",
                body=body,
                created=time.time(),
                lines=lines,
                problem=problem,
                expired=expired,
            )
            self._jobs[job.name] = job
        if lines is not None:
            job.worker = threading.Thread(target=self._answer_all, args=(job,), name=f"batch-{job.name}", daemon=True)
            job.worker.start()
        return self.render(job)

    def _read_input(self, uri: str) -> tuple[list[dict] | None, str | None, bool]:
        try:
            content = self.read(uri)
        except ApiError as error:
            return None, f"Failed to read the input {uri}: {error.message}", False
        if FAIL_MARKER.encode() in content or FAIL_MARKER in uri:
            return None, f"Batch input {uri} asked this local stand-in to fail the job ({FAIL_MARKER}).", False
        if EXPIRE_MARKER.encode() in content or EXPIRE_MARKER in uri:
            return None, "The batch prediction job did not finish in time and expired.", True
        lines = []
        for number, text in enumerate(content.decode("utf-8", errors="replace").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except ValueError:
                return None, f"Batch input {uri} line {number} is not valid JSON.", False
            if not isinstance(line, dict) or not isinstance(line.get("request"), dict):
                return None, f"Batch input {uri} line {number} has no `request` object.", False
            lines.append(line)
        if not lines:
            return None, f"Batch input {uri} is empty.", False
        return lines, None, False

    # --- the job's work -------------------------------------------------------------------------------------

    def _answer_all(self, job: BatchJob) -> None:
        """Answer every request line (the job's work, in its own thread)."""
        records = []
        processed = _timestamp(job.created + self.pending_seconds + self.running_seconds)
        for line in job.lines or []:
            request = line["request"]
            text = json.dumps(request)
            if DROP_MARKER in text:
                continue
            record = {"status": "", "processed_time": processed, "request": request}
            try:
                if ERROR_MARKER in text:
                    raise ApiError(500, f"Internal error answering this request ({ERROR_MARKER}).")
                record["response"] = self.answer(job.body["model"], request)
            except ApiError as error:
                record["status"] = f"Error {error.code} {error.status}: {error.message}"
            records.append(record)
        records.reverse()  # Vertex AI does not keep the input's order; neither does this stand-in
        job.records = records

    def _predict(self, job: BatchJob) -> None:
        """Write predictions.jsonl (once, when the job is first read as succeeded)."""
        if job.worker is not None:
            job.worker.join()
        with self._lock:
            if job.output_directory is not None:
                return
            prefix = job.body["outputConfig"]["gcsDestination"]["outputUriPrefix"].rstrip("/")
            stamp = _timestamp(job.created).replace(":", "").replace("-", "").replace("Z", "")
            directory = f"{prefix}/prediction-model-{stamp}"
            body = "".join(json.dumps(record) + "\n" for record in job.records).encode()
            self.write(f"{directory}/predictions.jsonl", body)
            job.output_directory = directory
            failed = sum(1 for record in job.records if record["status"])
            job.stats = {
                "successfulCount": str(len(job.records) - failed),
                "failedCount": str(failed),
                "incompleteCount": str(len(job.lines or []) - len(job.records)),
            }

    def render(self, job: BatchJob) -> dict:
        """The BatchPredictionJob resource as the REST API returns it (camelCase JSON)."""
        state = self.state(job)
        started = job.created + self.pending_seconds
        ended = started + self.running_seconds
        if state == "JOB_STATE_SUCCEEDED":
            self._predict(job)
        resource = {
            **job.body,
            "name": job.name,
            "state": state,
            "createTime": _timestamp(job.created),
            "updateTime": _timestamp(min(time.time(), ended)),
        }
        if state not in {"JOB_STATE_PENDING"}:
            resource["startTime"] = _timestamp(started)
        if state in ENDED:
            resource["endTime"] = _timestamp(job.cancelled_at if job.cancelled_at is not None else ended)
        if state == "JOB_STATE_SUCCEEDED":
            resource["outputInfo"] = {"gcsOutputDirectory": job.output_directory}
            resource["completionStats"] = job.stats
        if state == "JOB_STATE_FAILED":
            resource["error"] = {"code": 3, "message": job.problem}
        if state == "JOB_STATE_EXPIRED":
            resource["error"] = {"code": 4, "message": job.problem}
        if state == "JOB_STATE_CANCELLED":
            resource["error"] = {"code": 1, "message": "CANCELED"}
        return resource
