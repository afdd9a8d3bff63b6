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
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self):
        self.models = _Models(self)

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
        summary = self.summaries[min(len(self.calls), len(self.summaries)) - 1]
        # The SDK hands back numpy scalars; the DAG code must cope with them.
        return EvalResult(summary_metrics={k: np.float64(v) if isinstance(v, float) else v for k, v in summary.items()})


def install_fake_evaluation(monkeypatch, service: FakeEvaluationService | None = None) -> FakeEvaluationService:
    from vertexai.evaluation import EvalTask

    service = service or FakeEvaluationService()
    monkeypatch.setattr(EvalTask, "evaluate", lambda self, **kwargs: service.evaluate(self, **kwargs))
    return service
