"""The evaluation answers its dataset with bounded concurrency: order kept, 429/5xx retried with backoff and
jitter, nothing lost. Errors are the google-genai SDK's own (`ClientError` 429/400, `ServerError` 503)."""

from __future__ import annotations

import random
import threading
import time

import pytest
from google.genai import errors

from genops.evaluation.concurrency import Backoff, map_bounded
from genops.gemini.prompts import load_eval_dataset
from tests.dags.fakes import FakeGenAIClient, install_fake_genai
from tests.dags.runner import run_dag


def api_error(code: int) -> errors.APIError:
    status = {429: "RESOURCE_EXHAUSTED", 400: "INVALID_ARGUMENT", 503: "UNAVAILABLE", 500: "INTERNAL"}[code]
    cls = errors.ClientError if code < 500 else errors.ServerError
    return cls(code, {"error": {"code": code, "message": f"HTTP {code}", "status": status}})


def test_results_keep_the_items_order_and_never_exceed_the_concurrency():
    in_flight, peak, lock = 0, 0, threading.Lock()

    def call(item: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(random.uniform(0, 0.02))
        with lock:
            in_flight -= 1
        return item * 10

    assert map_bounded(call, list(range(60)), concurrency=5) == [n * 10 for n in range(60)]
    assert 1 < peak <= 5


def test_rate_limits_and_server_errors_are_retried_with_growing_jittered_backoff():
    failures = {3: [429, 503, 429], 7: [500]}
    sleeps: list[float] = []

    def call(item: int) -> int:
        codes = failures.get(item)
        if codes:
            raise api_error(codes.pop(0))
        return item

    backoff = Backoff(attempts=6, initial_delay=1.0, max_delay=60.0)
    assert map_bounded(call, list(range(10)), concurrency=4, backoff=backoff, sleep=sleeps.append) == list(range(10))
    assert len(sleeps) == 4
    assert all(0 <= s <= 4.0 for s in sleeps)  # full jitter under 1, 2, 4 s for retries 1..3
    assert len(set(sleeps)) == 4, "jittered, not one fixed delay"


@pytest.mark.parametrize(("code", "attempts_made"), [(400, 1), (429, 3)])
def test_an_item_that_still_fails_fails_the_whole_map_naming_it(code, attempts_made):
    calls = []

    def call(item: int) -> int:
        calls.append(item)
        if item == 2:
            raise api_error(code)
        return item

    with pytest.raises(RuntimeError, match=f"item 2 failed: {code}") as err:
        map_bounded(call, [0, 1, 2], concurrency=1, backoff=Backoff(attempts=3), sleep=lambda s: None)
    assert calls.count(2) == attempts_made
    assert isinstance(err.value.__cause__, errors.APIError)


class FlakyClient(FakeGenAIClient):
    """Answers each prompt, but the first request of every third example is rate limited (429)."""

    def __post_init__(self):
        super().__post_init__()
        generate, seen, lock = self.models.generate_content, set(), threading.Lock()

        def generate_content(*, model, contents, config=None):
            from google.genai import types

            types.GenerateContentConfig.model_validate(config)
            time.sleep(0.01)
            index = next(i for i, e in enumerate(load_eval_dataset()) if e["context"] in contents[0])
            with lock:
                first = index not in seen
                seen.add(index)
            if index % 3 == 0 and first:
                raise api_error(429)
            return generate(model=model, contents=contents, config=config)

        self.models.generate_content = generate_content


def test_the_evaluation_dag_answers_every_example_in_order_through_rate_limits(dagbag, genops_env, monkeypatch):
    from genops.evaluation import concurrency

    monkeypatch.setattr(concurrency.Backoff, "delay", lambda self, retry, rand=None: 0.0)
    genops_env.setenv("GENOPS_EVAL_CONCURRENCY", "4")
    from tests.dags.evaluation_fakes import ExperimentEvaluationService, install_experiment_evaluation

    client = FlakyClient()
    install_fake_genai(genops_env, client)
    service = install_experiment_evaluation(genops_env, ExperimentEvaluationService())
    result = run_dag(dagbag.get_dag("run_evaluation"), retries=True)

    assert result.state == "success"
    examples = load_eval_dataset()
    (call,) = service.calls
    assert [row["reference"] for row in call["dataset"]] == [e["reference"] for e in examples], "order kept"
    assert all(row["response"] for row in call["dataset"]), "nothing lost"
    answered = [call for call in client.calls if call.method == "generate_content"]
    assert len(answered) == len(examples), "each example answered once (the 429s were not answers)"
