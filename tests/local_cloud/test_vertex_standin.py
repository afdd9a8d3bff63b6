"""The Vertex AI stand-in, spoken to by the real clients: google-genai, the Vertex AI SDK's EvalTask, and HTTP."""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.request

import pytest

from genops.core import config
from scripts.local.cloud.vertex_models import BLOCK_MARKER, RETIRED, count_tokens, expected_answer
from scripts.local.cloud.vertex_tuning import FAIL_MARKER
from tests.local_cloud.vertex_env import PROJECT, REGION, TOKEN, gcs_fixture, genai_client, vertex_standin, vertexai_sdk

BUCKET = "vertex-standin-test"
MODEL = config.SETTINGS["GENOPS_FLASH_MODEL"].default
EXAMPLE = {
    "contents": [
        {"role": "user", "parts": [{"text": "Summarise: the cat sat on the mat."}]},
        {"role": "model", "parts": [{"text": "A cat sat on a mat."}]},
    ]
}


gcs = gcs_fixture(BUCKET)


@pytest.fixture
def vertex(gcs):
    with vertex_standin(gcs.url) as standin:
        yield standin


@pytest.fixture
def client(vertex):
    return genai_client(vertex.url)


def post(url: str, body: dict, token: str | None = TOKEN) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def model_url(vertex, model: str = MODEL, method: str = "generateContent") -> str:
    return f"{vertex.url}/v1beta1/projects/{PROJECT}/locations/{REGION}/publishers/google/models/{model}:{method}"


# --- generateContent / countTokens ---------------------------------------------------------------------------


def test_generate_content_answers_deterministically_with_usage_metadata(client):
    from google.genai import types

    response = client.models.generate_content(
        model=MODEL,
        contents=["What is GenOps?"],
        config=types.GenerateContentConfig(system_instruction="Be brief.", temperature=0.2, max_output_tokens=1024),
    )

    prompt = "Be brief.\nWhat is GenOps?"
    assert response.text == expected_answer(MODEL, prompt)
    usage = response.usage_metadata
    assert usage.prompt_token_count == count_tokens(prompt)
    assert usage.candidates_token_count == count_tokens(response.text)
    assert usage.thoughts_token_count > 0  # the current models think by default
    assert (
        usage.total_token_count == usage.prompt_token_count + usage.candidates_token_count + usage.thoughts_token_count
    )
    assert response.candidates[0].finish_reason == types.FinishReason.STOP
    assert response.model_version == MODEL


def test_gemini_4_refuses_what_its_guide_documents(client):
    from google.genai import errors, types

    pro = config.SETTINGS["GENOPS_PRO_MODEL"].default
    for refused, says in (
        (types.GenerateContentConfig(thinking_config=types.ThinkingConfig(thinking_budget=1024)), "thinking_budget"),
        (types.GenerateContentConfig(frequency_penalty=0.5), "frequencyPenalty"),
        (types.GenerateContentConfig(candidate_count=2), "candidateCount"),
    ):
        with pytest.raises(errors.ClientError) as error:
            client.models.generate_content(model=pro, contents=["hi"], config=refused)
        assert error.value.code == 400 and says in error.value.message


def test_a_model_google_lists_as_retired_is_404(client):
    from google.genai import errors

    for retired in RETIRED:
        with pytest.raises(errors.ClientError) as error:
            client.models.get(model=retired)
        assert error.value.code == 404


def test_thoughts_count_against_max_output_tokens(client):
    from google.genai import types

    response = client.models.generate_content(
        model=MODEL, contents=["Explain tuning in detail"], config=types.GenerateContentConfig(max_output_tokens=8)
    )
    assert response.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert response.text is None  # every token went to thinking, as on Vertex AI


def test_implicit_cache_reports_cached_tokens_for_a_repeated_long_prompt(client):
    long_prompt = "token " * 1100
    first = client.models.generate_content(model=MODEL, contents=[long_prompt])
    second = client.models.generate_content(model=MODEL, contents=[long_prompt])
    assert first.usage_metadata.cached_content_token_count is None
    assert second.usage_metadata.cached_content_token_count == second.usage_metadata.prompt_token_count


def test_count_tokens_counts_what_generate_content_bills(client):
    contents = ["Count these tokens, please."]
    counted = client.models.count_tokens(model=MODEL, contents=contents)
    generated = client.models.generate_content(model=MODEL, contents=contents)
    assert counted.total_tokens == generated.usage_metadata.prompt_token_count == count_tokens(contents[0])


def test_misspelt_enum_value_is_a_400_with_googles_error_body(client, vertex):
    from google.genai import errors

    safety = [{"category": "HARM_CATEGORY_HATE_SPECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"}]
    with pytest.warns(UserWarning), pytest.raises(errors.ClientError) as error:
        client.models.generate_content(model=MODEL, contents=["hi"], config={"safety_settings": safety})
    assert error.value.code == 400 and error.value.status == "INVALID_ARGUMENT"
    assert "HARM_CATEGORY_HATE_SPECH" in error.value.message
    assert vertex.requests[-1]["status"] == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "generationConfig": {"temprature": 0.1}},
            "temprature",
        ),
        (
            {"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "generationConfig": {"temperature": "hot"}},
            "hot",
        ),
        ({"contents": []}, "empty contents"),
        ({"contents": [{"role": "user", "parts": []}]}, "at least one parts field"),
        ({"contents": [{"role": "system", "parts": [{"text": "hi"}]}]}, "valid role"),
    ],
)
def test_requests_the_real_api_refuses_are_400(vertex, body, message):
    status, answer = post(model_url(vertex), body)
    assert status == 400
    assert answer["error"]["status"] == "INVALID_ARGUMENT" and message in answer["error"]["message"]
    assert set(answer["error"]) == {"code", "message", "status", "details"}


def test_unknown_model_and_missing_or_unknown_token(vertex):
    body = {"contents": [{"parts": [{"text": "hi"}]}]}
    status, answer = post(model_url(vertex, "gemini-2.5-flsh"), body)
    assert (status, answer["error"]["status"]) == (404, "NOT_FOUND")
    status, answer = post(model_url(vertex), body, token=None)
    assert (status, answer["error"]["status"]) == (401, "UNAUTHENTICATED")
    vertex.tokens = {TOKEN}.__contains__  # as with LocalCredentials.issued
    assert post(model_url(vertex), body)[0] == 200
    status, answer = post(model_url(vertex), body, token="ya29.someone-else")
    assert (status, answer["error"]["status"]) == (401, "UNAUTHENTICATED")


def test_models_get_finds_served_models_and_404s_others(client):
    """The DAGs' preflight asks google-genai's models.get for every configured model."""
    from google.genai import errors

    assert client.models.get(model=MODEL).name.endswith(f"publishers/google/models/{MODEL}")
    with pytest.raises(errors.ClientError) as err:
        client.models.get(model="gemini-9.9-flahs")
    assert err.value.code == 404


def test_blocked_prompt_has_no_candidates(client):
    response = client.models.generate_content(model=MODEL, contents=[f"{BLOCK_MARKER} something"])
    assert response.text is None and response.prompt_feedback.block_reason.value == "SAFETY"


def test_gemini_reads_gs_text_files_from_the_storage_emulator(client, gcs):
    from google.genai import types

    gcs.put(BUCKET, "inputs/note.txt", b"The report is due Friday.", "text/plain")
    part = types.Part.from_uri(file_uri=f"gs://{BUCKET}/inputs/note.txt", mime_type="text/plain")
    response = client.models.generate_content(model=MODEL, contents=[part, "When is it due?"])
    assert response.text == expected_answer(MODEL, "The report is due Friday.\nWhen is it due?")

    from google.genai import errors

    missing = types.Part.from_uri(file_uri=f"gs://{BUCKET}/inputs/missing.txt", mime_type="text/plain")
    with pytest.raises(errors.ClientError, match="does not exist"):
        client.models.generate_content(model=MODEL, contents=[missing])


# --- faults -------------------------------------------------------------------------------------------------


def test_429_is_retried_by_the_clients_retry_options(vertex):
    from google.genai import errors, types

    vertex.add_fault("generateContent", status=429, times=2)
    retrying = genai_client(vertex.url, types.HttpRetryOptions(attempts=3, initial_delay=0.05, max_delay=0.1))
    assert retrying.models.generate_content(model=MODEL, contents=["hi"]).text
    assert [r["status"] for r in vertex.requests] == [429, 429, 200]

    vertex.add_fault("generateContent", status=429, times=1)
    default = genai_client(vertex.url)
    with pytest.raises(errors.ClientError) as error:  # google-genai's default: no retry
        default.models.generate_content(model=MODEL, contents=["hi"])
    assert error.value.code == 429 and error.value.status == "RESOURCE_EXHAUSTED"


def test_faults_and_latency_over_the_admin_endpoint(vertex, client):
    from google.genai import errors

    status, answer = post(f"{vertex.url}/_admin/faults", {"path": "countTokens", "status": 503, "times": 1})
    assert status == 200 and answer["id"]
    with pytest.raises(errors.ServerError) as error:
        client.models.count_tokens(model=MODEL, contents=["hi"])
    assert error.value.code == 503
    assert client.models.count_tokens(model=MODEL, contents=["hi"]).total_tokens == 1

    post(f"{vertex.url}/_admin/faults", {"path": "countTokens", "latency": 0.3})
    started = time.monotonic()
    client.models.count_tokens(model=MODEL, contents=["hi"])
    assert time.monotonic() - started >= 0.3
    request = urllib.request.Request(f"{vertex.url}/_admin/faults", method="DELETE")
    urllib.request.urlopen(request).close()
    status, answer = post(f"{vertex.url}/_admin/faults", {"path": "x", "stauts": 500})
    assert status == 400 and "stauts" in answer["error"]["message"]


# --- tuning -------------------------------------------------------------------------------------------------


def tune(client, uri: str, labels: dict | None = None):
    from google.genai import types

    return client.tunings.tune(
        base_model=MODEL,
        training_dataset=types.TuningDataset(gcs_uri=uri),
        config=types.CreateTuningJobConfig(tuned_model_display_name="genops-tuned", labels=labels),
    )


def wait_until_ended(client, name: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while True:
        job = client.tunings.get(name=name)
        if job.has_ended or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_tuning_job_lives_and_publishes_an_endpoint_generate_content_accepts(client, gcs):
    from google.genai import errors

    gcs.put(BUCKET, "tuning/train.jsonl", (json.dumps(EXAMPLE) + "\n").encode() * 3)
    job = tune(client, f"gs://{BUCKET}/tuning/train.jsonl", labels={"dag": "supervised_fine_tuning", "run": "r1"})
    assert job.state.value == "JOB_STATE_PENDING" and job.name.startswith(f"projects/{PROJECT}/locations/{REGION}/")
    time.sleep(0.25)
    assert client.tunings.get(name=job.name).state.value == "JOB_STATE_RUNNING"
    endpoint = f"projects/{PROJECT}/locations/{REGION}/endpoints/{job.name.rsplit('/', 1)[-1]}"
    with pytest.raises(errors.ClientError) as error:  # not published before the job succeeds
        client.models.generate_content(model=endpoint, contents=["hi"])
    assert error.value.code == 404

    done = wait_until_ended(client, job.name)
    assert done.state.value == "JOB_STATE_SUCCEEDED" and done.tuned_model.endpoint == endpoint
    tuned = client.models.generate_content(model=done.tuned_model.endpoint, contents=["hi"])
    assert tuned.text == expected_answer(f"{MODEL}-tuned-{endpoint.rsplit('/', 1)[-1]}", "hi")
    assert client.models.count_tokens(model=done.tuned_model.endpoint, contents=["hi"]).total_tokens == 1

    listed = list(client.tunings.list(config={"filter": 'labels.dag="supervised_fine_tuning" AND labels.run="r1"'}))
    assert [j.name for j in listed] == [job.name]
    assert list(client.tunings.list(config={"filter": 'labels.run="r2"'})) == []
    with pytest.raises(errors.ClientError) as error:
        client.tunings.list(config={"filter": "labels.run ~ r1"})
    assert error.value.code == 400


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (f"tuning/{FAIL_MARKER}.jsonl", json.dumps(EXAMPLE), FAIL_MARKER),
        ("tuning/bad.jsonl", json.dumps({"messages": []}), "has no `contents`"),
    ],
)
def test_tuning_job_fails_when_the_dataset_asks_or_is_malformed(client, gcs, name, content, reason):
    gcs.put(BUCKET, name, content.encode())
    job = wait_until_ended(client, tune(client, f"gs://{BUCKET}/{name}").name)
    assert job.state.value == "JOB_STATE_FAILED" and reason in job.error.message
    assert job.tuned_model is None


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_cancel_and_missing_dataset(client, gcs):
    from google.genai import errors

    gcs.put(BUCKET, "tuning/cancel.jsonl", json.dumps(EXAMPLE).encode())
    job = tune(client, f"gs://{BUCKET}/tuning/cancel.jsonl")
    client.tunings.cancel(name=job.name)
    assert client.tunings.get(name=job.name).state.value == "JOB_STATE_CANCELLED"
    with pytest.raises(errors.ClientError) as error:
        client.tunings.cancel(name=job.name)
    assert error.value.code == 400 and error.value.status == "FAILED_PRECONDITION"
    with pytest.raises(errors.ClientError, match="does not exist"):
        tune(client, f"gs://{BUCKET}/tuning/nowhere.jsonl")
    with pytest.raises(errors.ClientError) as error:
        client.tunings.get(name=f"projects/{PROJECT}/locations/{REGION}/tuningJobs/1")
    assert error.value.code == 404


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_lost_response_keeps_the_side_effect(client, gcs, vertex):
    """An `after` fault: the job is created, the client sees a 503 (what a retry must cope with)."""
    from google.genai import errors

    gcs.put(BUCKET, "tuning/lost.jsonl", json.dumps(EXAMPLE).encode())
    vertex.add_fault("/tuningJobs$", method="POST", status=503, after=True, times=1)
    with pytest.raises(errors.ServerError):
        tune(client, f"gs://{BUCKET}/tuning/lost.jsonl", labels={"run": "lost"})
    assert len(list(client.tunings.list(config={"filter": 'labels.run="lost"'}))) == 1


# --- evaluation and experiments -----------------------------------------------------------------------------

ROWS = [
    {"prompt": "Summarise: the cat sat on the mat", "reference": "the cat sat on the mat", "response": "the cat sat"},
    {"prompt": "Summarise: a dog ran home", "reference": "a dog ran home", "response": "a dog ran home"},
]


def evaluate(url: str, rows, metrics, **kwargs):
    import pandas as pd
    from vertexai.evaluation import EvalTask

    with vertexai_sdk(url):
        experiment = kwargs.pop("experiment", None)
        return EvalTask(dataset=pd.DataFrame(rows), metrics=metrics, experiment=experiment).evaluate(**kwargs)


def test_eval_task_computes_metrics_with_the_real_libraries(vertex):
    from rouge_score import rouge_scorer
    from sacrebleu.metrics import BLEU
    from vertexai.evaluation import MetricPromptTemplateExamples

    pointwise = MetricPromptTemplateExamples.Pointwise
    result = evaluate(vertex.url, ROWS, ["exact_match", "bleu", "rouge_1", pointwise.GROUNDEDNESS, pointwise.VERBOSITY])
    table = result.metrics_table
    assert list(table["exact_match/score"]) == [0.0, 1.0]
    bleu = [BLEU().sentence_score(r["response"], [r["reference"]]).score / 100 for r in ROWS]
    assert list(table["bleu/score"]) == pytest.approx(bleu)
    rouge = rouge_scorer.RougeScorer(["rouge1"])
    assert list(table["rouge_1/score"]) == pytest.approx(
        [rouge.score(r["reference"], r["response"])["rouge1"].fmeasure for r in ROWS]
    )
    assert bleu[0] < bleu[1] == pytest.approx(1.0) and list(table["groundedness/score"]) == [1.0, 1.0]
    assert list(table["verbosity/score"]) == [2.0, 2.0]  # each metric's own rubric: 0..1, -2..2
    assert result.summary_metrics["exact_match/mean"] == 0.5


def test_a_nan_metric_from_the_service_breaks_eval_task(vertex):
    """The service sends "NaN" for an unrated response; this SDK turns it into a string and its mean fails."""
    from vertexai.evaluation import MetricPromptTemplateExamples

    rows = [{**ROWS[0], "response": ""}]
    with pytest.raises(TypeError, match="mean"):
        evaluate(vertex.url, rows, [MetricPromptTemplateExamples.Pointwise.GROUNDEDNESS])
    assert '"score": "NaN"' not in json.dumps(vertex.requests[-1]["body"])  # the request had no NaN ...
    status, answer = post(
        f"{vertex.url}/v1/projects/{PROJECT}/locations/{REGION}:evaluateInstances",
        vertex.requests[-1]["body"],
    )
    assert status == 200 and answer["pointwiseMetricResult"]["score"] == "NaN"  # ... the answer did


def test_eval_task_retries_503_but_turns_a_429_into_a_nan_metric(vertex):
    """Over REST a 429 is api_core's TooManyRequests, which EvalTask's retry (ResourceExhausted...) misses."""
    vertex.add_fault("evaluateInstances", status=503, times=2)
    result = evaluate(vertex.url, ROWS[:1], ["exact_match"])
    assert result.summary_metrics["exact_match/mean"] == 0.0
    assert [r["status"] for r in vertex.requests] == [503, 503, 200]

    vertex.add_fault("evaluateInstances", status=429, times=1)
    result = evaluate(vertex.url, ROWS[:1], ["exact_match"])
    assert math.isnan(result.summary_metrics["exact_match/mean"])


def test_an_evaluation_error_becomes_a_nan_summary_not_an_exception(vertex):
    vertex.add_fault("evaluateInstances", status=400, times=1, message="Invalid metric spec")
    result = evaluate(vertex.url, ROWS[:1], ["exact_match"])
    assert math.isnan(result.summary_metrics["exact_match/mean"])


def test_experiment_tracking_logs_the_run_and_refuses_a_duplicate_run_name(vertex):
    from google.api_core import exceptions

    result = evaluate(vertex.url, ROWS, ["exact_match"], experiment="genops-eval", experiment_run_name="run-1")
    run = vertex.metadata.get(
        f"projects/{PROJECT}/locations/{REGION}/metadataStores/default/contexts/genops-eval-run-1"
    )
    assert run["schemaTitle"] == "system.ExperimentRun"
    assert run["metadata"]["_metrics"]["exact_match/mean"] == result.summary_metrics["exact_match/mean"]
    assert run["metadata"]["_state"] == "COMPLETE"

    with pytest.raises(exceptions.Conflict, match="already exists"):
        evaluate(vertex.url, ROWS, ["exact_match"], experiment="genops-eval", experiment_run_name="run-1")
    evaluate(vertex.url, ROWS, ["exact_match"], experiment="genops-eval", experiment_run_name="run-2")
