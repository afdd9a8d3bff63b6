"""The Vertex AI stand-in's batch prediction jobs, spoken to by google-genai's `batches` and over plain HTTP."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from genops.core.config import SETTINGS
from scripts.local.cloud.vertex import VertexStandIn
from scripts.local.cloud.vertex_batch import DROP_MARKER, ERROR_MARKER, EXPIRE_MARKER, FAIL_MARKER
from scripts.local.cloud.vertex_models import expected_answer
from tests.local_cloud.test_vertex_standin import post
from tests.local_cloud.vertex_env import PROJECT, REGION, TOKEN, gcs_fixture, genai_client

BUCKET = "vertex-batch-standin-test"
MODEL = SETTINGS["GENOPS_FLASH_MODEL"].default
PARENT = f"projects/{PROJECT}/locations/{REGION}"
SYSTEM = "Answer briefly."

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # google-genai: "batches is experimental"


gcs = gcs_fixture(BUCKET)


@pytest.fixture
def vertex(gcs):
    standin = VertexStandIn(storage_host=gcs.url, batch_pending_seconds=0.2, batch_running_seconds=0.5)
    with standin:
        yield standin


@pytest.fixture
def client(vertex):
    return genai_client(vertex.url)


def line(text: str, index: int) -> dict:
    return {
        "request": {
            "contents": [{"role": "user", "parts": [{"text": text}]}],
            "systemInstruction": {"role": "user", "parts": [{"text": SYSTEM}]},
            "generationConfig": {"temperature": 0, "maxOutputTokens": 256},
            "labels": {"example": str(index)},
        }
    }


def stage(gcs, name: str, texts: list[str]) -> str:
    gcs.put(BUCKET, name, "".join(json.dumps(line(t, i)) + "\n" for i, t in enumerate(texts)).encode())
    return f"gs://{BUCKET}/{name}"


def create(client, src: str, **labels):
    from google.genai import types

    return client.batches.create(
        model=MODEL,
        src=src,
        config=types.CreateBatchJobConfig(
            display_name="standin-test",
            dest=f"gs://{BUCKET}/out/{src.rsplit('/', 1)[-1]}",
            http_options=types.HttpOptions(extra_body={"labels": labels}) if labels else None,
        ),
    )


def ended(client, name: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        job = client.batches.get(name=name)
        states.append(job.state.value)
        if job.end_time:
            return job, states
        time.sleep(0.1)
    raise AssertionError(f"{name} did not end: {states}")


def predictions(gcs, directory: str) -> list[dict]:
    bucket, _, prefix = directory.removeprefix("gs://").partition("/")
    url = f"{gcs.url}/storage/v1/b/{bucket}/o/{urllib.request.quote(prefix + '/predictions.jsonl', safe='')}?alt=media"
    with urllib.request.urlopen(url) as response:
        return [json.loads(text) for text in response.read().decode().splitlines()]


def test_a_job_moves_through_its_states_and_writes_the_online_answers(client, gcs, vertex):
    texts = ["The cat sat on the mat. It slept.", "Rain fell all day. The river rose."]
    job = create(client, stage(gcs, "in/two.jsonl", texts), run="r1")
    assert job.state.value == "JOB_STATE_PENDING" and job.name.startswith(f"{PARENT}/batchPredictionJobs/")

    done, states = ended(client, job.name)

    assert done.state.value == "JOB_STATE_SUCCEEDED"
    assert "JOB_STATE_RUNNING" in states and states.index("JOB_STATE_RUNNING") > 0
    lines = predictions(gcs, done.output_info.gcs_output_directory)
    assert [item["request"]["labels"]["example"] for item in lines] == ["1", "0"], "not in the input's order"
    for item in lines:
        text = item["request"]["contents"][0]["parts"][0]["text"]
        answer = item["response"]["candidates"][0]["content"]["parts"][0]["text"]
        assert item["status"] == "" and answer == expected_answer(MODEL, f"{SYSTEM}\n{text}")
        assert item["response"]["usageMetadata"]["candidatesTokenCount"] > 0
    # the same generator answers online
    online = client.models.generate_content(
        model=MODEL, contents=[texts[0]], config={"system_instruction": SYSTEM, "temperature": 0}
    )
    assert online.text == lines[1]["response"]["candidates"][0]["content"]["parts"][0]["text"]
    assert done.completion_stats.successful_count == 2 and done.completion_stats.failed_count == 0


def test_list_filters_on_labels_and_state(client, gcs):
    src = stage(gcs, "in/list.jsonl", ["One sentence."])
    mine = create(client, src, dag="d", run="r2")
    create(client, src, dag="d", run="r3")

    listed = list(client.batches.list(config={"filter": 'labels.dag="d" AND labels.run="r2"'}))

    assert [job.name for job in listed] == [mine.name]
    assert list(client.batches.list(config={"filter": 'state="JOB_STATE_FAILED" AND labels.run="r2"'})) == []
    from google.genai import errors

    with pytest.raises(errors.ClientError):
        list(client.batches.list(config={"filter": "labels.run ~ r2"}))


@pytest.mark.parametrize(
    ("name", "state", "says"),
    [
        (f"in/{FAIL_MARKER}.jsonl", "JOB_STATE_FAILED", FAIL_MARKER),
        (f"in/{EXPIRE_MARKER}.jsonl", "JOB_STATE_EXPIRED", "expired"),
    ],
)
def test_injected_failures_end_the_job_with_an_error(client, gcs, name, state, says):
    done, _ = ended(client, create(client, stage(gcs, name, ["Text."])).name)

    assert done.state.value == state and says in done.error.message
    assert done.output_info is None


def test_a_dropped_and_a_failed_request(client, gcs):
    texts = ["First.", f"Second {DROP_MARKER}.", f"Third {ERROR_MARKER}."]
    done, _ = ended(client, create(client, stage(gcs, "in/partial.jsonl", texts)).name)

    lines = predictions(gcs, done.output_info.gcs_output_directory)
    by_example = {item["request"]["labels"]["example"]: item for item in lines}
    assert sorted(by_example) == ["0", "2"], "the dropped request has no line"
    assert by_example["2"]["status"].startswith("Error 500") and "response" not in by_example["2"]
    assert done.completion_stats.failed_count == 1 and done.completion_stats.incomplete_count == 1


def test_cancel_moves_through_cancelling(client, gcs, vertex):
    from google.genai import errors

    vertex.batch.running_seconds = 30
    job = create(client, stage(gcs, "in/cancel.jsonl", ["Text."]))
    client.batches.cancel(name=job.name)
    assert client.batches.get(name=job.name).state.value == "JOB_STATE_CANCELLING"
    done, _ = ended(client, job.name)
    assert done.state.value == "JOB_STATE_CANCELLED"
    with pytest.raises(errors.ClientError) as error:
        client.batches.cancel(name=job.name)
    assert error.value.code == 400 and error.value.status == "FAILED_PRECONDITION"


def test_requests_are_checked_against_the_api_schema(vertex, gcs):
    url = f"{vertex.url}/v1/{PARENT}/batchPredictionJobs"
    good = {
        "displayName": "x",
        "model": f"publishers/google/models/{MODEL}",
        "inputConfig": {"instancesFormat": "jsonl", "gcsSource": {"uris": [f"gs://{BUCKET}/in/two.jsonl"]}},
        "outputConfig": {"predictionsFormat": "jsonl", "gcsDestination": {"outputUriPrefix": f"gs://{BUCKET}/o"}},
    }
    status, body = post(url, {**good, "labelz": {"a": "b"}}, token=TOKEN)
    assert status == 400 and "labelz" in body["error"]["message"]
    status, body = post(url, {**good, "model": "publishers/google/models/gemini-9-nope"}, token=TOKEN)
    assert status == 404
    status, body = post(url, {**good, "inputConfig": {"instancesFormat": "csv"}}, token=TOKEN)
    assert status == 400 and "jsonl" in body["error"]["message"]
    status, body = post(url, good, token=None)
    assert status == 401
    status, body = post(url, good, token=TOKEN)
    assert status == 200 and body["state"] == "JOB_STATE_PENDING"


def test_a_bad_request_line_fails_that_request_only(client, gcs):
    bad = line("Text.", 0)
    bad["request"]["generationConfig"]["temprature"] = 1
    gcs.put(BUCKET, "in/bad.jsonl", (json.dumps(bad) + "\n" + json.dumps(line("Fine.", 1)) + "\n").encode())

    done, _ = ended(client, create(client, f"gs://{BUCKET}/in/bad.jsonl").name)

    by_example = {i["request"]["labels"]["example"]: i for i in predictions(gcs, done.output_info.gcs_output_directory)}
    assert "temprature" in by_example["0"]["status"] and "response" in by_example["1"]
