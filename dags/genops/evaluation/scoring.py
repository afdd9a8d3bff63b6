"""Generate responses for the evaluation dataset and score them with the Gen AI evaluation service.

Uses the GA `vertexai.evaluation.EvalTask` in bring-your-own-response mode: responses come from the
google-genai SDK (through the provider's GenAI hook), so nothing here touches the deprecated
`vertexai.generative_models` / `vertexai.preview.evaluation` path. Both SDKs are imported inside the
functions, so DAG parsing never pays for them.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import replace

from genops.gemini.profiles import PROFILES, PROFILES_BY_NAME, GenerationProfile
from genops.gemini.prompts import build_prompt

log = logging.getLogger(__name__)

POINTWISE_METRICS = ("summarization_quality", "groundedness", "verbosity", "instruction_following")
COMPUTED_METRICS = ("exact_match", "bleu", "rouge_1", "rouge_2", "rouge_l_sum")
# What every evaluation reports: a threshold or comparison metric must be one of these.
EVALUATED_METRICS = POINTWISE_METRICS + COMPUTED_METRICS

# Evaluation answers are scored, so sample deterministically: differences come from the model.
EVAL_GENERATION_PROFILE = PROFILES_BY_NAME["deterministic"]


def evaluation_profile(model_setting: str) -> GenerationProfile:
    """Deterministic sampling for the model `model_setting` names, with the thinking that model's profile uses.

    A model whose own profile in PROFILES thinks at its default level (the pro model) keeps that and its output
    room; sampling stays deterministic where the model accepts it (see GenerationProfile.generation_config).
    """
    own = next((p for p in PROFILES if p.model_setting == model_setting), None)
    if own is None:
        return replace(EVAL_GENERATION_PROFILE, model_setting=model_setting)
    return replace(
        EVAL_GENERATION_PROFILE,
        model_setting=model_setting,
        thinking_level=own.thinking_level,
        max_output_tokens=max(own.max_output_tokens, EVAL_GENERATION_PROFILE.max_output_tokens),
    )


def eval_concurrency() -> int:
    """How many evaluation requests may be in flight at once: GENOPS_EVAL_CONCURRENCY, checked."""
    from genops.core import config

    return config.get_int("GENOPS_EVAL_CONCURRENCY", minimum=1, maximum=config.EVAL_CONCURRENCY_MAX)


def generate_responses(
    examples: list[dict],
    *,
    model: str,
    profile: GenerationProfile = EVAL_GENERATION_PROFILE,
    concurrency: int | None = None,
    client=None,
    base_model: str | None = None,
) -> list[dict]:
    """Ask `model` (a model id or tuned endpoint) for every example, sampling as `profile` says; rows for EvalTask.

    Every call goes through genops.gemini.calls (credentials checked first, usage recorded), on one client
    (`client`, default: the provider hook's). Up to `concurrency` (default GENOPS_EVAL_CONCURRENCY) requests
    run at once; 429 and 5xx answers are retried with backoff and jitter; the rows keep the examples' order,
    and an example that still fails fails the task (no row is dropped). `base_model`: when `model` is a tuned
    endpoint, the model it was tuned from (recorded with each call's usage).
    """
    from genops.evaluation.concurrency import map_bounded
    from genops.gemini import calls

    client = client or calls.genai_client(f"generating evaluation responses with {model}")
    generation_config = profile.generation_config(model=model)

    def answer(example: dict) -> dict:
        prompt = build_prompt(example["instruction"], example["context"])
        response = calls.generate(
            model=model,
            contents=[prompt],
            generation_config=generation_config,
            profile=profile.name,
            client=client,
            base_model=base_model,
        )
        if not response.text:
            log.warning("Model %s returned no text (blocked or empty) for: %.60s", model, prompt)
        return {"prompt": prompt, "reference": example["reference"], "response": response.text or ""}

    return map_bounded(
        answer,
        examples,
        concurrency=concurrency or eval_concurrency(),
        describe=lambda index, example: f"evaluation example {index + 1} of {len(examples)} ({model})",
    )


def _plain(value):
    """numpy scalars -> Python numbers, so the summary is JSON/XCom serializable; a non-finite number becomes
    the string "NaN", as the SDK itself logs NaN means (never None, which would read as "not reported")."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN"
    return value


def vertex_ai_endpoint() -> dict:
    """vertexai.init options that send the Vertex AI SDK where google-genai goes.

    google-genai honours GOOGLE_VERTEX_BASE_URL; the Vertex AI SDK has no such setting, so when it is set
    (`make local` and the wire tests set it to the local Vertex AI stand-in) the SDK gets the same URL as its
    `api_endpoint`, over REST. Unset (Composer), the SDK uses Google's regional endpoint as usual.
    """
    base_url = os.environ.get("GOOGLE_VERTEX_BASE_URL", "").rstrip("/")
    return {"api_endpoint": base_url, "api_transport": "rest"} if base_url else {}


def run_evaluation(rows: list[dict], *, project_id: str, location: str, experiment: str, run_name: str) -> dict:
    """Score responses with pointwise (model-based) and computed metrics; log them to the experiment."""
    import pandas as pd
    import vertexai
    from vertexai.evaluation import EvalTask, MetricPromptTemplateExamples

    vertexai.init(project=project_id, location=location, **vertex_ai_endpoint())
    metrics = [getattr(MetricPromptTemplateExamples.Pointwise, name.upper()) for name in POINTWISE_METRICS]
    eval_task = EvalTask(dataset=pd.DataFrame(rows), metrics=[*metrics, *COMPUTED_METRICS], experiment=experiment)
    result = eval_task.evaluate(experiment_run_name=run_name)
    if unscored := unscored_examples(result.metrics_table):
        # The SDK turns a failed instance request (e.g. a 429 its REST retry does not cover) into a NaN score
        # and averages the rest: the mean would quietly describe fewer examples. Retryable: it is transient.
        from genops.core.compat import AirflowException

        raise AirflowException(
            f"The evaluation service left examples unscored in experiment run {run_name!r} ({unscored}); "
            "the means would cover fewer examples than the dataset. Usually throttling (429): the task's "
            "retry scores them again in a new experiment run."
        )
    return {key: _plain(value) for key, value in result.summary_metrics.items()}


def unscored_examples(metrics_table) -> dict[str, int]:
    """Per metric, how many examples have no score (`<metric>/score` NaN or missing) in EvalTask's table."""
    if metrics_table is None:  # EvalResult's table is optional in the SDK's type; EvalTask always fills it
        return {}
    columns = [name for name in metrics_table.columns if str(name).endswith("/score")]
    counts = {name.removesuffix("/score"): int(metrics_table[name].isna().sum()) for name in columns}
    return {name: count for name, count in counts.items() if count}
