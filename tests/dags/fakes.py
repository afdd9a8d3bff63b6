"""Fakes for the network edge only: the google-genai client the provider's GenAI hook builds.

Everything above it (operators, hooks, templating, XCom, branching, trigger rules) runs for real.
The fake returns objects of the real google-genai response types, so the provider code reads them
exactly as it reads real responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Call:
    method: str
    kwargs: dict


@dataclass
class FakeGenAIClient:
    """Stands in for `google.genai.Client(vertexai=True, ...)`; records every call."""

    total_tokens: int = 42
    reply: str = "A fake model answer."
    # States `tunings.get` returns, one per call (the last repeats); `tuning_error` is set on a failed job.
    tuning_states: list[str] = field(default_factory=lambda: ["JOB_STATE_SUCCEEDED"])
    tuning_error: str = "Training data has 3 examples with more than 131072 tokens."
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self):
        self.models = _Models(self)
        self.tunings = _Tunings(self)

    def methods_called(self) -> list[str]:
        return [call.method for call in self.calls]


class _Models:
    def __init__(self, client: FakeGenAIClient):
        self._client = client

    def generate_content(self, *, model, contents, config=None):
        from google.genai import types

        self._client.calls.append(Call("generate_content", {"model": model, "contents": contents, "config": config}))
        return types.GenerateContentResponse(
            candidates=[
                types.Candidate(
                    content=types.Content(role="model", parts=[types.Part(text=f"{self._client.reply} [{model}]")]),
                    finish_reason=types.FinishReason.STOP,
                )
            ]
        )

    def count_tokens(self, *, model, contents, config=None):
        from google.genai import types

        self._client.calls.append(Call("count_tokens", {"model": model, "contents": contents}))
        return types.CountTokensResponse(total_tokens=self._client.total_tokens)


TUNING_JOB = "projects/genops-test-project/locations/us-central1/tuningJobs/4242"
TUNED_MODEL = "projects/genops-test-project/locations/us-central1/models/777@1"
TUNED_ENDPOINT = "projects/genops-test-project/locations/us-central1/endpoints/888"


class _Tunings:
    def __init__(self, client: FakeGenAIClient):
        self._client = client

    def tune(self, *, base_model, training_dataset, config=None):
        from google.genai import types

        self._client.calls.append(
            Call("tunings.tune", {"base_model": base_model, "training_dataset": training_dataset, "config": config})
        )
        return types.TuningJob(name=TUNING_JOB, state=types.JobState.JOB_STATE_PENDING, base_model=base_model)

    def get(self, *, name, config=None):
        from google.genai import types

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

    def evaluate(self, eval_task, *, experiment_run_name=None, **kwargs):
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
    monkeypatch.setattr(EvalTask, "evaluate", lambda self, **kwargs: service.evaluate(self, **kwargs))
    return service


@dataclass
class FakeGCS:
    """Replaces GCSHook.exists/download/upload with an in-memory bucket store; records every call."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def put(self, bucket: str, object_name: str, data: bytes | str) -> None:
        self.objects[(bucket, object_name)] = data.encode() if isinstance(data, str) else data

    def exists(self, bucket_name, object_name, retry=None):
        self.calls.append(Call("exists", {"bucket_name": bucket_name, "object_name": object_name}))
        return (bucket_name, object_name) in self.objects

    def download(self, bucket_name, object_name, filename=None, **kwargs):
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

    def upload(self, bucket_name, object_name, filename=None, data=None, mime_type=None, **kwargs):
        self.calls.append(
            Call("upload", {"bucket_name": bucket_name, "object_name": object_name, "mime_type": mime_type})
        )
        if filename is not None:
            with open(filename, "rb") as handle:
                data = handle.read()
        self.put(bucket_name, object_name, data)

    def methods_called(self) -> list[str]:
        return [call.method for call in self.calls]


def install_fake_gcs(monkeypatch, gcs: FakeGCS | None = None) -> FakeGCS:
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    gcs = gcs or FakeGCS()
    for method in ("exists", "download", "upload"):
        monkeypatch.setattr(GCSHook, method, lambda hook, *args, _m=method, **kwargs: getattr(gcs, _m)(*args, **kwargs))
    return gcs


@dataclass
class _FakeBigQueryJob:
    job_id: str
    configuration: dict
    error_result: dict | None = None

    def result(self, *args, **kwargs):
        return self

    def to_api_repr(self) -> dict:
        return {"jobReference": {"jobId": self.job_id}, "configuration": self.configuration}


@dataclass
class FakeBigQuery:
    """Replaces BigQueryHook.insert_job (the API call) and the ADC lookup; load jobs read NDJSON from FakeGCS."""

    gcs: FakeGCS
    project_id: str = "genops-test-project"
    jobs: list[dict] = field(default_factory=list)
    loaded_rows: list[dict] = field(default_factory=list)

    def insert_job(self, configuration, job_id=None, project_id=None, location=None, nowait=False, **kwargs):
        import json

        self.jobs.append({"configuration": configuration, "job_id": job_id, "project_id": project_id})
        for uri in configuration.get("load", {}).get("sourceUris", []):
            bucket, _, object_name = uri.removeprefix("gs://").partition("/")
            text = self.gcs.objects[(bucket, object_name)].decode()
            self.loaded_rows += [json.loads(line) for line in text.splitlines() if line.strip()]
        return _FakeBigQueryJob(job_id or "job-fake", configuration)


def install_fake_bigquery(monkeypatch, gcs: FakeGCS) -> FakeBigQuery:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook
    from google.auth.credentials import AnonymousCredentials

    bigquery = FakeBigQuery(gcs)
    monkeypatch.setattr(BigQueryHook, "insert_job", lambda hook, *args, **kwargs: bigquery.insert_job(*args, **kwargs))
    monkeypatch.setattr(
        BigQueryHook, "get_credentials_and_project_id", lambda hook: (AnonymousCredentials(), bigquery.project_id)
    )
    return bigquery
