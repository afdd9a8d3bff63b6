"""evaluateInstances for the Vertex AI stand-in: computed metrics for real, model-based metrics deterministically.

- exact_match: 1.0 when prediction and reference are equal, else 0.0.
- bleu: sacrebleu's sentence BLEU (the implementation Vertex AI documents), scaled to 0..1.
- rouge: Google's rouge-score with the request's rougeType (default rougeL), useStemmer and splitSummaries; the
  F-measure, as the service returns.
- pointwise (model-based) metrics: a rating from the template's own Rating Rubric (1..5, 0..1 or -2..2 for the
  lab's metrics), placed by the word overlap between the response and the other template inputs (prompt,
  context, reference...). An empty response cannot be rated: the score is "NaN", as the real service sends it
  when the judge model's output has no rating.

The request was already parsed with `google.cloud.aiplatform_v1.types.EvaluateInstancesRequest` (unknown fields
are a 400), so this module gets proto-plus messages.
"""

from __future__ import annotations

import json
import math
import re

from scripts.local.cloud.http import ApiError
from scripts.local.cloud.vertex_models import TOKEN_PATTERN

DEFAULT_ROUGE_TYPE = "rougeL"
ROUGE_TYPES = {*(f"rouge{n}" for n in range(1, 10)), "rougeL", "rougeLsum"}
RUBRIC_LINE = re.compile(r"^\s*(-?\d+)\s*(?:\(|:)", re.MULTILINE)
UNRATED_EXPLANATION = "The response is empty: the judge model returned no rating."


def warm_metric_libraries() -> None:
    """Import sacrebleu and rouge-score ahead of the first request that needs them."""
    import rouge_score.rouge_scorer  # noqa: F401
    import sacrebleu.metrics  # noqa: F401


def _instances(metric_input, name: str) -> list:
    if not metric_input.instances:
        raise ApiError(400, f"{name}.instances must not be empty.")
    return list(metric_input.instances)


def exact_match(metric_input) -> dict:
    values = [{"score": float(i.prediction == i.reference)} for i in _instances(metric_input, "exact_match_input")]
    return {"exactMatchResults": {"exactMatchMetricValues": values}}


def bleu(metric_input) -> dict:
    from sacrebleu.metrics import BLEU

    scorer = BLEU(effective_order=metric_input.metric_spec.use_effective_order)
    values = [
        {"score": scorer.sentence_score(i.prediction, [i.reference]).score / 100}
        for i in _instances(metric_input, "bleu_input")
    ]
    return {"bleuResults": {"bleuMetricValues": values}}


def rouge(metric_input) -> dict:
    from rouge_score import rouge_scorer

    spec = metric_input.metric_spec
    rouge_type = spec.rouge_type or DEFAULT_ROUGE_TYPE
    if rouge_type not in ROUGE_TYPES:
        raise ApiError(400, f"Unsupported rouge_type {rouge_type!r}; use one of {sorted(ROUGE_TYPES)}.")
    scorer = rouge_scorer.RougeScorer([rouge_type], use_stemmer=spec.use_stemmer, split_summaries=spec.split_summaries)
    values = [
        {"score": scorer.score(i.reference, i.prediction)[rouge_type].fmeasure}
        for i in _instances(metric_input, "rouge_input")
    ]
    return {"rougeResults": {"rougeMetricValues": values}}


def _words(text: str) -> set[str]:
    return {token.lower() for token in TOKEN_PATTERN.findall(text) if token.isalnum()}


def rubric_ratings(template: str) -> list[int]:
    """The ratings a metric prompt template's Rating Rubric allows (lines like `5: ...` or `1 (Grounded)...`)."""
    ratings = sorted({int(value) for value in RUBRIC_LINE.findall(template)})
    return ratings or [1, 2, 3, 4, 5]


def pointwise_score(variables: dict, ratings: list[int]) -> float:
    """A rating from `ratings` placed by how much of the response's vocabulary the other inputs share (all of
    it: the highest); NaN for an empty response."""
    response = str(variables.get("response", ""))
    if not response.strip():
        return math.nan
    others = _words(" ".join(str(value) for key, value in variables.items() if key != "response"))
    said = _words(response)
    overlap = len(said & others) / len(said) if said else 0.0
    return float(ratings[round(overlap * (len(ratings) - 1))])


def pointwise(metric_input) -> dict:
    if not metric_input.metric_spec.metric_prompt_template:
        raise ApiError(400, "pointwise_metric_input.metric_spec.metric_prompt_template is required.")
    instance = metric_input.instance
    if not instance.json_instance:
        raise ApiError(400, "pointwise_metric_input.instance.json_instance is required.")
    try:
        variables = json.loads(instance.json_instance)
    except ValueError:
        raise ApiError(400, "pointwise_metric_input.instance.json_instance is not a JSON object.") from None
    if not isinstance(variables, dict):
        raise ApiError(400, "pointwise_metric_input.instance.json_instance is not a JSON object.")
    ratings = rubric_ratings(metric_input.metric_spec.metric_prompt_template)
    score = pointwise_score(variables, ratings)
    if math.isnan(score):
        return {"pointwiseMetricResult": {"score": "NaN", "explanation": UNRATED_EXPLANATION}}
    explanation = (
        f"Local deterministic rating {score:g} (rubric {ratings[0]}..{ratings[-1]}) from the response's word "
        "overlap with its inputs."
    )
    return {"pointwiseMetricResult": {"score": score, "explanation": explanation}}


METRICS = {
    "exact_match_input": exact_match,
    "bleu_input": bleu,
    "rouge_input": rouge,
    "pointwise_metric_input": pointwise,
}


def evaluate(request) -> dict:
    """The JSON body of an EvaluateInstancesResponse for one parsed EvaluateInstancesRequest."""
    given = [name for name in type(request).meta.fields if name in request and name != "location"]
    if len(given) != 1:
        raise ApiError(400, f"Exactly one metric input must be set, got {given or 'none'}.")
    handler = METRICS.get(given[0])
    if handler is None:
        raise ApiError(501, f"The local Vertex AI stand-in does not compute {given[0]}.", "UNIMPLEMENTED")
    return handler(getattr(request, given[0]))
