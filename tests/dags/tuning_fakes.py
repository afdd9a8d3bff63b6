"""A tuning service as strict as Vertex AI's, behind the google-genai client's `tunings` methods.

Each request is built with the SDK's own request builder (`_CreateTuningJobParametersPrivate_to_vertex`,
`ListTuningJobsConfig`), label keys and values are checked with Google Cloud's rules, list filters must use
the label syntax Vertex AI list methods accept, and errors are the SDK's own (`google.genai.errors.ClientError`
404 / 400, `ServerError` 503). Jobs live in the service: a job created by a call that then failed still
exists, as it would on Vertex AI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.dags.fakes import TUNED_ENDPOINT, TUNED_MODEL, Call, FakeGenAIClient

PARENT = "projects/genops-test-project/locations/us-central1"
LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}")
FILTER_TERM = re.compile(r'labels\.([a-z][a-z0-9_]*)="([a-z0-9_-]*)"')
RUNNING = {"JOB_STATE_QUEUED", "JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_UPDATING", "JOB_STATE_PAUSED"}


def client_error(code: int, status: str, message: str):
    from google.genai import errors

    return errors.ClientError(code, {"error": {"code": code, "message": message, "status": status}})


def server_error(message: str = "The service is currently unavailable."):
    from google.genai import errors

    return errors.ServerError(503, {"error": {"code": 503, "message": message, "status": "UNAVAILABLE"}})


@dataclass
class TuningGenAIClient(FakeGenAIClient):
    """`tuning_states`: what each `tunings.get` of a job reports, in turn (the last repeats).

    `lose_create_responses`: how many `tunings.tune` calls create their job and then fail with a 503,
    as when the response is lost on the way back (the worst moment for a retry).
    """

    lose_create_responses: int = 0
    jobs: dict[str, object] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)

    def __post_init__(self):
        super().__post_init__()
        self.tunings = _StrictTunings(self)

    def job_states(self) -> dict[str, str]:
        return {name: job.state.value for name, job in self.jobs.items()}


class _StrictTunings:
    def __init__(self, client: TuningGenAIClient):
        self._client = client

    def _job(self, name: str):
        if name not in self._client.jobs:
            raise client_error(404, "NOT_FOUND", f"TuningJob {name} not found.")
        return self._client.jobs[name]

    def tune(self, *, base_model, training_dataset, config=None):
        from google.genai import tunings, types

        params = types._CreateTuningJobParametersPrivate(
            base_model=base_model, training_dataset=training_dataset, config=config
        )
        request = tunings._CreateTuningJobParametersPrivate_to_vertex(params, None, params)
        labels = request.get("labels", {})
        bad = [f"{k}={v}" for k, v in labels.items() if not LABEL_KEY.fullmatch(k) or not LABEL_VALUE.fullmatch(v)]
        if bad or len(labels) > 64:
            raise client_error(400, "INVALID_ARGUMENT", f"Invalid labels: {bad}")
        self._client.calls.append(Call("tunings.tune", {"request": request, "config": params.config}))
        name = f"{PARENT}/tuningJobs/{4242 + len(self._client.jobs)}"
        created = datetime(2026, 8, 1, tzinfo=UTC) + timedelta(minutes=len(self._client.jobs))
        job = types.TuningJob(
            name=name,
            state=types.JobState.JOB_STATE_PENDING,
            base_model=base_model,
            labels=labels or None,
            create_time=created,
        )
        self._client.jobs[name] = job
        if self._client.lose_create_responses > 0:
            self._client.lose_create_responses -= 1
            raise server_error()
        return job.model_copy()

    def get(self, *, name, config=None):
        from google.genai import types

        types._GetTuningJobParameters(name=name, config=config)
        self._client.calls.append(Call("tunings.get", {"name": name}))
        job = self._job(name)
        if name not in self._client.cancelled:
            polls = self._client.polls.get(name, 0)
            self._client.polls[name] = polls + 1
            states = self._client.tuning_states
            job.state = types.JobState(states[min(polls, len(states) - 1)])
            if job.state == types.JobState.JOB_STATE_SUCCEEDED:
                job.tuned_model = types.TunedModel(model=TUNED_MODEL, endpoint=TUNED_ENDPOINT)
            elif job.state.value in {"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}:
                job.error = types.GoogleRpcStatus(code=3, message=self._client.tuning_error)
        return job.model_copy()

    def list(self, *, config=None):
        from google.genai import types

        config = types.ListTuningJobsConfig.model_validate(config or {})
        self._client.calls.append(Call("tunings.list", {"filter": config.filter}))
        wanted = {}
        if config.filter:
            terms = config.filter.split(" AND ")
            matches = [FILTER_TERM.fullmatch(term) for term in terms]
            if not all(matches):
                raise client_error(400, "INVALID_ARGUMENT", f"Invalid filter: {config.filter!r}")
            wanted = dict(match.groups() for match in matches)
        found = [
            job for job in self._client.jobs.values() if all((job.labels or {}).get(k) == v for k, v in wanted.items())
        ]
        return [job.model_copy() for job in found]

    def cancel(self, *, name, config=None):
        from google.genai import types

        types._CancelTuningJobParameters(name=name, config=config)
        self._client.calls.append(Call("tunings.cancel", {"name": name}))
        job = self._job(name)
        if job.state.value not in RUNNING:
            raise client_error(400, "FAILED_PRECONDITION", f"TuningJob {name} is in state {job.state.value}.")
        job.state = types.JobState.JOB_STATE_CANCELLED
        self._client.cancelled.add(name)
        job.error = types.GoogleRpcStatus(code=1, message="CANCELLED")
        return types.CancelTuningJobResponse()
