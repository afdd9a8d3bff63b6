"""Fakes for the network edge only, as strict as the SDKs they stand in for.

Everything above the edge (operators, hooks, templating, XCom, branching, trigger rules) runs for real.
- The google-genai fake builds every request with the SDK's own request builder (`types._*Parameters`, then
  `models._*Parameters_to_vertex`), so a misspelt config field or a wrong type fails as the real client
  fails, and answers with the REST body Vertex AI returns, parsed by the SDK's own response converter.
- Hook method fakes are bound to the real method's signature (`checked_method`): a wrong argument raises
  TypeError as the real one would, and an argument the fake does not implement fails unless it has its
  default. No fake takes `**kwargs` it does not check.
- The BigQuery fake validates the job configuration with google.cloud.bigquery's own job config classes.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from genops.models.table import table
from scripts.local.cloud.vertex_models import RETIRED

TEST_PROJECT, TEST_REGION = "genops-test-project", "us-central1"


def checked_method(real: Callable, fake: Callable, *, supported: Collection[str], with_self: bool = False) -> Callable:
    """A stand-in for the method `real` that calls `fake(**arguments)` with the `supported` arguments (and the
    instance first when `with_self`).

    Each call is bound to `real`'s signature first (a wrong or misspelt argument raises TypeError, as the
    real method would); an argument outside `supported` that differs from its default fails the call.
    """
    signature = inspect.signature(real)
    first = next(iter(signature.parameters))  # self

    if inspect.iscoroutinefunction(real):  # an async hook method: awaitable as the real one

        async def replacement_async(hook, *args, **kwargs):
            return await replacement(hook, *args, **kwargs)

        checked = replacement_async
    else:
        checked = None

    def replacement(hook, *args, **kwargs):
        bound = signature.bind(hook, *args, **kwargs)
        given = {name: value for name, value in bound.arguments.items() if name != first}
        ignored = {
            name: value
            for name, value in given.items()
            if name not in supported and value is not signature.parameters[name].default
        }
        if ignored:
            raise AssertionError(f"the fake {real.__qualname__} does not implement {ignored}; extend the fake")
        bound.apply_defaults()
        arguments = {name: value for name, value in bound.arguments.items() if name in supported}
        return fake(hook, **arguments) if with_self else fake(**arguments)

    return checked or replacement


@dataclass
class Call:
    method: str
    kwargs: dict


@functools.cache
def _vertex_api_client():
    """The SDK's own API client in Vertex AI mode; only its request builders use it (no request is sent)."""
    from google.auth.credentials import AnonymousCredentials
    from google.genai._api_client import BaseApiClient

    return BaseApiClient(vertexai=True, project=TEST_PROJECT, location=TEST_REGION, credentials=AnonymousCredentials())


_BUILDERS = {
    "generate_content": ("_GenerateContentParameters", "_GenerateContentParameters_to_vertex"),
    "count_tokens": ("_CountTokensParameters", "_CountTokensParameters_to_vertex"),
}


def sdk_request(method: str, *, model: str, contents, config) -> tuple[object, dict]:
    """What google-genai does before it sends `models.<method>`: validate the parameters (pydantic, extra
    fields forbidden) and build the Vertex AI request body. Returns (parameters, body); raises as the SDK does."""
    from google.genai import _common, models, types

    parameters_type, builder = _BUILDERS[method]
    parameters = getattr(types, parameters_type)(model=model, contents=contents, config=config)
    body = getattr(models, builder)(_vertex_api_client(), parameters, None, parameters)
    body.pop("config", None)
    return parameters, json.loads(json.dumps(_common.convert_to_dict(body), default=lambda v: getattr(v, "value", v)))


def server_error(code: int = 503, status: str = "UNAVAILABLE"):
    """The error google-genai raises for a 5xx answer from Vertex AI."""
    from google.genai import errors

    return errors.ServerError(
        code, {"error": {"code": code, "message": "The service is unavailable.", "status": status}}
    )


def estimated_tokens(body: dict) -> int:
    """A stand-in tokenizer: about four characters per token of everything the request sends as input."""
    sent = {key: body.get(key) for key in ("contents", "systemInstruction", "tools")}
    return max(1, len(json.dumps(sent)) // 4)


@dataclass
class FakeGenAIClient:
    """Stands in for `google.genai.Client(vertexai=True, ...)`; records every call with the request it built."""

    total_tokens: int = 42
    reply: str = "A fake model answer."
    thoughts_tokens: int = 0  # reported in usage_metadata, as a thinking model does
    # States `tunings.get` returns, one per call (the last repeats); `tuning_error` is set on a failed job.
    tuning_states: list[str] = field(default_factory=lambda: ["JOB_STATE_SUCCEEDED"])
    tuning_error: str = "Training data has 3 examples with more than 131072 tokens."
    # What models.get finds (publisher model ids): the model table's models less those Google lists as retired
    # (the Vertex AI stand-in's own list); any other id is the service's 404 NOT_FOUND.
    available_models: set[str] = field(default_factory=lambda: set(table().models) - set(RETIRED))
    # What tunings.list returns (google.genai types.TuningJob objects).
    listed_tuning_jobs: list = field(default_factory=list)
    # Raised by the next generate_content calls, one each, after the call is recorded (transient failures).
    failures: list[Exception] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self):
        self.models = _Models(self)
        self.tunings = _Tunings(self)

    def methods_called(self) -> list[str]:
        return [call.method for call in self.calls]

    def answer(self, model: str, body: dict) -> str:
        """The answer's text for a validated request body."""
        return f"{self.reply} [{model}]"

    def before_answer(self) -> None:
        """Runs after the call is recorded, before it is answered: raises the next injected failure."""
        if self.failures:
            raise self.failures.pop(0)


class _Models:
    def __init__(self, client: FakeGenAIClient):
        self._client = client

    def generate_content(self, *, model, contents, config=None):
        from google.genai import models, types

        passed = copy.deepcopy(config)  # as the caller passed it: the SDK rewrites response schemas in place
        parameters, body = sdk_request("generate_content", model=model, contents=contents, config=config)
        self._client.calls.append(
            Call("generate_content", {"model": model, "contents": contents, "config": passed, "request": body})
        )
        self._client.before_answer()
        text = self._client.answer(model, body)
        prompt, answer, thoughts = estimated_tokens(body), max(1, len(text) // 4), self._client.thoughts_tokens
        response = {  # the REST body Vertex AI answers with
            "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
            "usageMetadata": {
                "promptTokenCount": prompt,
                "candidatesTokenCount": answer,
                "thoughtsTokenCount": thoughts,
                "totalTokenCount": prompt + answer + thoughts,
            },
            "modelVersion": model.rsplit("/", 1)[-1],
        }
        converted = models._GenerateContentResponse_from_vertex(response, None, parameters)
        return types.GenerateContentResponse._from_response(response=converted, kwargs=parameters.model_dump())

    def count_tokens(self, *, model, contents, config=None):
        from google.genai import models, types

        passed = copy.deepcopy(config)
        parameters, body = sdk_request("count_tokens", model=model, contents=contents, config=config)
        self._client.calls.append(
            Call("count_tokens", {"model": model, "contents": contents, "config": passed, "request": body})
        )
        converted = models._CountTokensResponse_from_vertex(
            {"totalTokens": self._client.total_tokens}, None, parameters
        )
        return types.CountTokensResponse._from_response(response=converted, kwargs=parameters.model_dump())

    def get(self, *, model, config=None):
        from google.genai import errors, types

        types._GetModelParameters(model=model, config=config)  # raises as the SDK does
        self._client.calls.append(Call("models.get", {"model": model}))
        if model not in self._client.available_models:
            name = f"projects/{TEST_PROJECT}/locations/{TEST_REGION}/publishers/google/models/{model}"
            message = f"Publisher Model `{name}` not found."
            raise errors.ClientError(404, {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}})
        return types.Model(name=f"publishers/google/models/{model}", display_name=model)


TUNING_JOB = "projects/genops-test-project/locations/us-central1/tuningJobs/4242"
TUNED_MODEL = "projects/genops-test-project/locations/us-central1/models/777@1"
TUNED_ENDPOINT = "projects/genops-test-project/locations/us-central1/endpoints/888"


class _Tunings:
    def __init__(self, client: FakeGenAIClient):
        self._client = client

    def tune(self, *, base_model, training_dataset, config=None):
        from google.genai import tunings, types

        parameters = types._CreateTuningJobParametersPrivate(
            base_model=base_model, training_dataset=training_dataset, config=config
        )
        tunings._CreateTuningJobParametersPrivate_to_vertex(parameters, None, parameters)  # raises as the SDK does
        self._client.calls.append(
            Call("tunings.tune", {"base_model": base_model, "training_dataset": training_dataset, "config": config})
        )
        return types.TuningJob(name=TUNING_JOB, state=types.JobState.JOB_STATE_PENDING, base_model=base_model)

    def list(self, *, config=None):
        """The project's tuning jobs (`listed_tuning_jobs`, real `types.TuningJob`s), as one page."""
        from google.genai import types

        types._ListTuningJobsParameters(config=config)
        self._client.calls.append(Call("tunings.list", {"config": config}))
        return list(self._client.listed_tuning_jobs)

    def get(self, *, name, config=None):
        from google.genai import types

        types._GetTuningJobParameters(name=name, config=config)
        polls = sum(call.method == "tunings.get" for call in self._client.calls)
        self._client.calls.append(Call("tunings.get", {"name": name}))
        state = self._client.tuning_states[min(polls, len(self._client.tuning_states) - 1)]
        job = types.TuningJob(name=name, state=state)
        if state == "JOB_STATE_SUCCEEDED":
            job.tuned_model = types.TunedModel(model=TUNED_MODEL, endpoint=TUNED_ENDPOINT)
        elif state in {"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}:
            job.error = types.GoogleRpcStatus(code=3, message=self._client.tuning_error)
        return job


@dataclass
class ClientFactory:
    """Replaces `GenAIGenerativeModelHook.get_genai_client`; remembers project and location it was given."""

    client: FakeGenAIClient
    targets: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, hook, project_id: str, location: str):
        self.targets.append((project_id, location))
        return self.client


def install_fake_genai(monkeypatch, client: FakeGenAIClient | None = None) -> ClientFactory:
    from airflow.providers.google.cloud.hooks.gen_ai import GenAIGenerativeModelHook

    factory = ClientFactory(client or FakeGenAIClient())
    monkeypatch.setattr(
        GenAIGenerativeModelHook,
        "get_genai_client",
        lambda hook, project_id, location: factory(hook, project_id, location),
    )
    return factory


# What the Gen AI evaluation service returns for the lab's metrics (shape of EvalResult.summary_metrics).
REALISTIC_SUMMARY = {
    "row_count": 8,
    "summarization_quality/mean": 3.875,
    "summarization_quality/std": 0.64,
    "groundedness/mean": 0.875,
    "groundedness/std": 0.35,
    "verbosity/mean": -0.25,
    "verbosity/std": 0.46,
    "instruction_following/mean": 4.25,
    "instruction_following/std": 0.71,
    "exact_match/mean": 0.0,
    "exact_match/std": 0.0,
    "bleu/mean": 0.182,
    "bleu/std": 0.07,
    "rouge_1/mean": 0.511,
    "rouge_1/std": 0.09,
    "rouge_2/mean": 0.274,
    "rouge_2/std": 0.1,
    "rouge_l_sum/mean": 0.433,
    "rouge_l_sum/std": 0.08,
}


@dataclass
class FakeEvaluationService:
    """Replaces `vertexai.evaluation.EvalTask.evaluate` (the call that reaches the evaluation API)."""

    summaries: list[dict] = field(default_factory=lambda: [REALISTIC_SUMMARY])
    calls: list[dict] = field(default_factory=list)

    def evaluate(self, eval_task, *, experiment_run_name=None):
        import numpy as np
        from vertexai.evaluation import EvalResult

        self.calls.append(
            {
                "dataset": eval_task.dataset.to_dict("records"),
                "metrics": [getattr(m, "metric_name", m) for m in eval_task.metrics],
                "experiment": eval_task.experiment,
                "experiment_run_name": experiment_run_name,
            }
        )
        summary = self.summary_for(experiment_run_name)
        # The SDK hands back numpy scalars; the DAG code must cope with them.
        return EvalResult(summary_metrics={k: np.float64(v) if isinstance(v, float) else v for k, v in summary.items()})

    def summary_for(self, experiment_run_name: str | None) -> dict:
        """The n-th call gets the n-th summary; the last one repeats."""
        return self.summaries[min(len(self.calls), len(self.summaries)) - 1]


@dataclass
class FakeEvaluationByConfig(FakeEvaluationService):
    """Returns each configuration's own summary, found by the configuration name ending the experiment run name."""

    by_config: dict[str, dict] = field(default_factory=dict)

    def summary_for(self, experiment_run_name: str | None) -> dict:
        (config,) = [name for name in self.by_config if (experiment_run_name or "").endswith(f"-{name}")]
        return self.by_config[config]


def install_fake_evaluation(monkeypatch, service: FakeEvaluationService | None = None) -> FakeEvaluationService:
    from vertexai.evaluation import EvalTask

    service = service or FakeEvaluationService()
    replacement = checked_method(EvalTask.evaluate, service.evaluate, supported={"experiment_run_name"}, with_self=True)
    monkeypatch.setattr(EvalTask, "evaluate", replacement)
    return service


@dataclass
class FakeGCS:
    """Replaces GCSHook.exists/download/upload with an in-memory bucket store; records every call."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def put(self, bucket: str, object_name: str, data: bytes | str) -> None:
        self.objects[(bucket, object_name)] = data.encode() if isinstance(data, str) else data

    def exists(self, bucket_name, object_name):
        self.calls.append(Call("exists", {"bucket_name": bucket_name, "object_name": object_name}))
        return (bucket_name, object_name) in self.objects

    def download(self, bucket_name, object_name, filename):
        from google.api_core.exceptions import NotFound

        self.calls.append(Call("download", {"bucket_name": bucket_name, "object_name": object_name}))
        if (bucket_name, object_name) not in self.objects:
            raise NotFound(f"gs://{bucket_name}/{object_name}")
        data = self.objects[(bucket_name, object_name)]
        if filename is None:
            return data
        with open(filename, "wb") as handle:
            handle.write(data)
        return filename

    def upload(self, bucket_name, object_name, filename, data, mime_type):
        self.calls.append(
            Call("upload", {"bucket_name": bucket_name, "object_name": object_name, "mime_type": mime_type})
        )
        if (filename is None) == (data is None):
            raise ValueError("'filename' and 'data' parameter provided. Please specify a single parameter.")
        if filename is not None:
            with open(filename, "rb") as handle:
                data = handle.read()
        self.put(bucket_name, object_name, data)

    def methods_called(self) -> list[str]:
        return [call.method for call in self.calls]


GCS_METHODS = {
    "exists": {"bucket_name", "object_name"},
    "download": {"bucket_name", "object_name", "filename"},
    "upload": {"bucket_name", "object_name", "filename", "data", "mime_type"},
}


def install_fake_gcs(monkeypatch, gcs: FakeGCS | None = None) -> FakeGCS:
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    gcs = gcs or FakeGCS()
    for method, supported in GCS_METHODS.items():
        replacement = checked_method(getattr(GCSHook, method), getattr(gcs, method), supported=supported)
        monkeypatch.setattr(GCSHook, method, replacement)
    return gcs


def checked_job_configuration(configuration: dict) -> dict:
    """Validate a jobs.insert configuration as BigQuery would, with google.cloud.bigquery's job config classes.

    Every key must be a property the config class knows (a misspelt key fails, where the client library
    would silently send it and the API reject it), enum values must be BigQuery's, and the schema must parse.
    """
    from google.cloud.bigquery import LoadJobConfig, QueryJobConfig, SchemaField, enums, job

    ((kind, body),) = [(k, v) for k, v in configuration.items() if k not in {"labels", "jobTimeoutMs"}]
    config_class = {"load": LoadJobConfig, "query": QueryJobConfig}[kind]
    parsed = config_class.from_api_repr(configuration)
    rebuilt = config_class()
    for name, value in vars(config_class).items():
        if isinstance(value, property) and value.fset is not None and getattr(parsed, name) is not None:
            setattr(rebuilt, name, getattr(parsed, name))  # parses each value (schema, tables, ...)
    resource_fields = {"load": {"sourceUris", "destinationTable"}, "query": {"query"}}[kind]
    unknown = set(body) - set(rebuilt.to_api_repr()[kind]) - resource_fields
    if unknown:
        raise ValueError(f"{kind} job configuration has unknown field(s) {sorted(unknown)}")
    enum_values = {
        "sourceFormat": enums.SourceFormat,
        "writeDisposition": job.WriteDisposition,
        "createDisposition": job.CreateDisposition,
    }
    for key, values in enum_values.items():
        allowed = {v for n, v in vars(values).items() if n.isupper()}
        if key in body and body[key] not in allowed:
            raise ValueError(f"{kind}.{key}={body[key]!r} is not one of {sorted(allowed)}")
    for field_repr in body.get("schema", {}).get("fields", []):
        SchemaField.from_api_repr(field_repr)
    if kind == "load" and not body.get("sourceUris"):
        raise ValueError("a load job needs sourceUris")
    return configuration


def _fake_job(job_id: str, project_id: str, location: str | None, configuration: dict):
    """A real google.cloud.bigquery job object, already DONE (no API call is made by result())."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    client = bigquery.Client(project=project_id, credentials=AnonymousCredentials())
    return client.job_from_resource(
        {
            "jobReference": {"projectId": project_id, "jobId": job_id, "location": location},
            "configuration": configuration,
            "status": {"state": "DONE"},
        }
    )


@dataclass
class FakeBigQuery:
    """Replaces BigQueryHook.insert_job (the API call) and the ADC lookup; load jobs read NDJSON from FakeGCS."""

    gcs: FakeGCS
    project_id: str = TEST_PROJECT
    jobs: list[dict] = field(default_factory=list)
    loaded_rows: list[dict] = field(default_factory=list)
    job_error: str | None = None  # when set, every job inserted here ends with this error

    def insert_job(self, configuration, job_id, project_id, location, nowait, retry, timeout):
        import re

        checked_job_configuration(configuration)
        for name, value, pattern in (
            ("project_id", project_id, r"[a-z][a-z0-9-]{4,28}[a-z0-9]"),
            ("location", location, r"[A-Za-z0-9-]+"),
            ("job_id", job_id, r"[A-Za-z0-9_-]{1,1024}"),
        ):
            if value is not None and not re.fullmatch(pattern, value):
                raise ValueError(f"400 Invalid {name} {value!r}")  # what jobs.insert answers
        job_id = job_id or f"job_{len(self.jobs) + 1}"
        self.jobs.append({"configuration": configuration, "job_id": job_id, "project_id": project_id})
        for uri in configuration.get("load", {}).get("sourceUris", []):
            bucket, _, object_name = uri.removeprefix("gs://").partition("/")
            text = self.gcs.objects[(bucket, object_name)].decode()
            self.loaded_rows += [json.loads(line) for line in text.splitlines() if line.strip()]
        return _fake_job(job_id, project_id or self.project_id, location, configuration)

    async def get_job_status(self, job_id, project_id, location):
        """BigQueryAsyncHook.get_job_status, which the deferred operators' trigger polls: a job inserted here
        is done, or failed with `job_error`; any other id is not found."""
        if any(job["job_id"] == job_id for job in self.jobs):
            if self.job_error:
                return {"status": "error", "message": self.job_error}
            return {"status": "success", "message": "Job completed"}
        return {"status": "error", "message": f"404 Not found: Job {project_id}:{location}.{job_id}"}


def install_fake_bigquery(monkeypatch, gcs: FakeGCS) -> FakeBigQuery:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryAsyncHook, BigQueryHook
    from google.auth.credentials import AnonymousCredentials

    bigquery = FakeBigQuery(gcs)
    supported = {"configuration", "job_id", "project_id", "location", "nowait", "retry", "timeout"}
    monkeypatch.setattr(
        BigQueryHook, "insert_job", checked_method(BigQueryHook.insert_job, bigquery.insert_job, supported=supported)
    )
    status = {"job_id", "project_id", "location"}
    monkeypatch.setattr(
        BigQueryAsyncHook,
        "get_job_status",
        checked_method(BigQueryAsyncHook.get_job_status, bigquery.get_job_status, supported=status),
    )
    monkeypatch.setattr(
        BigQueryHook, "get_credentials_and_project_id", lambda hook: (AnonymousCredentials(), bigquery.project_id)
    )
    return bigquery
