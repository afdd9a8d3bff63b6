"""An evaluation service with experiment runs that persist, as Vertex AI Experiments' do.

Replaces `vertexai.evaluation.EvalTask.evaluate`. Like the SDK, each call with an experiment creates the run
`{experiment}-{run name}` first: the SDK's own `ExperimentRun._validate_run_id` rejects one over 121
characters, and a run that already exists fails with the SDK's exact `RuntimeError("Experiment Run with name
... already exists.")`. The summary's NaN means come back as the string "NaN", as the SDK logs them.
`fail_after_create` makes the next calls fail with a 503 after their run was created: the worst moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tests.dags.fakes import REALISTIC_SUMMARY, checked_method


@dataclass
class ExperimentEvaluationService:
    summary: dict = field(default_factory=lambda: dict(REALISTIC_SUMMARY))
    by_config: dict[str, dict] = field(default_factory=dict)  # a configuration's own summary (run name ends -<config>)
    fail_after_create: dict[str, int] = field(default_factory=dict)  # configuration ("" for any) -> failures left
    runs: list[str] = field(default_factory=list)  # "{experiment}-{run}" of every run created
    calls: list[dict] = field(default_factory=list)

    def config_of(self, run_name: str) -> str | None:
        return next((name for name in self.by_config if run_name.endswith(f"-{name}")), None)

    def evaluate(self, eval_task, *, experiment_run_name=None):
        import numpy as np
        from google.api_core.exceptions import ServiceUnavailable
        from google.cloud.aiplatform.metadata.experiment_run_resource import ExperimentRun
        from vertexai.evaluation import EvalResult

        experiment = eval_task.experiment
        run_id = f"{experiment}-{experiment_run_name}"
        ExperimentRun._validate_run_id(run_id)  # the SDK's own length check
        self.calls.append(
            {
                "dataset": eval_task.dataset.to_dict("records"),
                "metrics": [getattr(m, "metric_name", m) for m in eval_task.metrics],
                "experiment": experiment,
                "experiment_run_name": experiment_run_name,
            }
        )
        if run_id in self.runs:
            raise RuntimeError(f"Experiment Run with name {experiment_run_name} in {experiment} already exists.")
        self.runs.append(run_id)
        config = self.config_of(experiment_run_name) or ""
        for key in (config, ""):
            if self.fail_after_create.get(key, 0) > 0:
                self.fail_after_create[key] -= 1
                raise ServiceUnavailable("503 The evaluation service is currently unavailable.")
        summary = self.by_config.get(config, self.summary)
        as_sdk = {k: ("NaN" if isinstance(v, float) and math.isnan(v) else v) for k, v in summary.items()}
        return EvalResult(summary_metrics={k: np.float64(v) if isinstance(v, float) else v for k, v in as_sdk.items()})


def install_experiment_evaluation(monkeypatch, service: ExperimentEvaluationService) -> ExperimentEvaluationService:
    from vertexai.evaluation import EvalTask

    replacement = checked_method(EvalTask.evaluate, service.evaluate, supported={"experiment_run_name"}, with_self=True)
    monkeypatch.setattr(EvalTask, "evaluate", replacement)
    return service
