"""The fakes reject what the real SDKs reject, and every Gemini call goes through one recorded choke point."""

from __future__ import annotations

import logging

import pytest

from genops.gemini import calls
from genops.gemini.profiles import PROFILES_BY_NAME
from genops.gemini.usage import CallContext, record_usage
from tests.dags.fakes import (
    TEST_PROJECT,
    TEST_REGION,
    FakeGCS,
    FakeGenAIClient,
    checked_job_configuration,
    install_fake_bigquery,
    install_fake_gcs,
    install_fake_genai,
)

PROFILE = PROFILES_BY_NAME["balanced"]
MODEL = "gemini-3.8-flash"


def _real_client():
    """The real google-genai client, as the provider's hook builds it (it never gets to send anything here)."""
    from google import genai
    from google.auth.credentials import AnonymousCredentials

    return genai.Client(vertexai=True, project=TEST_PROJECT, location=TEST_REGION, credentials=AnonymousCredentials())


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"temprature": 0.2}, "temprature"),  # misspelt
        ({"max_output_tokens": "plenty"}, "max_output_tokens"),  # wrong type
        ({"tools": [{"google_serch": {}}]}, "google_serch"),  # misspelt, nested
    ],
)
def test_a_bad_generation_config_fails_in_the_fake_as_in_the_real_client(genops_env, bad, field):
    from pydantic import ValidationError

    install_fake_genai(genops_env)
    config = {**PROFILE.generation_config(), **bad}
    with pytest.raises(ValidationError, match=field) as fake_error:
        calls.generate(model=MODEL, contents=["Hi"], generation_config=config, profile=PROFILE.name)
    with pytest.raises(ValidationError, match=field) as real_error:
        _real_client().models.generate_content(model=MODEL, contents=["Hi"], config=config)
    # The real client validates the config on its own first (locations start inside it); the same errors.
    fake_errors = [(e["loc"][1:], e["type"]) for e in fake_error.value.errors()]
    assert fake_errors == [(e["loc"], e["type"]) for e in real_error.value.errors()]


def test_bad_contents_fail_in_the_fake(genops_env):
    from pydantic import ValidationError

    install_fake_genai(genops_env)
    with pytest.raises(ValidationError):
        calls.generate(
            model=MODEL, contents=[{"role": "user", "parts": [{"txt": "Hi"}]}], generation_config=None, profile=None
        )


def test_token_counts_send_the_system_instruction_and_tools(genops_env):
    genai = install_fake_genai(genops_env, FakeGenAIClient(total_tokens=77))
    grounded = PROFILES_BY_NAME["grounded"]
    response = calls.count_tokens(
        model=MODEL, contents=["Hi"], generation_config=grounded.generation_config(), profile=grounded.name
    )

    assert response.total_tokens == 77
    (call,) = genai.client.calls
    request = call.kwargs["request"]
    assert request["systemInstruction"]["parts"][0]["text"] == grounded.generation_config()["system_instruction"]
    assert request["tools"] == [{"googleSearch": {}}]
    assert "temperature" not in str(request), "sampling settings are not part of a token count"


def test_every_call_records_its_usage_with_where_and_how(genops_env, caplog):
    genai = install_fake_genai(genops_env, FakeGenAIClient(thoughts_tokens=30))
    task = {"ti": _TaskInstance(), "run_id": "manual__1"}
    with caplog.at_level(logging.INFO, logger="genops.gemini.usage"):
        response = calls.generate(
            model=MODEL,
            contents=["Hi"],
            generation_config=PROFILE.generation_config(),
            profile="balanced",
            context=task,
        )

    usage = response.usage_metadata
    assert usage.thoughts_token_count == 30 and usage.total_token_count == (
        usage.prompt_token_count + usage.candidates_token_count + 30
    )
    assert genai.targets == [(TEST_PROJECT, TEST_REGION)]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "genops.gemini.usage"]
    assert line.startswith(f"Gemini usage: generate_content {MODEL} (profile balanced) in d/manual__1/t[-1] try 2:")
    assert f"thoughts=30 cached=None total={usage.total_token_count}" in line


def test_record_usage_reads_every_count_and_refuses_an_unknown_kind():
    from google.genai import types

    response = types.GenerateContentResponse(
        usage_metadata=types.GenerateContentResponseUsageMetadata(
            prompt_token_count=10,
            candidates_token_count=5,
            thoughts_token_count=7,
            cached_content_token_count=4,
            total_token_count=22,
        ),
        model_version="gemini-3.8-flash-001",
    )
    where = CallContext(dag_id="d", run_id="r", task_id="t", map_index=-1, try_number=1)
    record = record_usage(response, call_kind="generate_content", model=MODEL, profile="flash", context=where)
    assert (record.prompt_tokens, record.candidates_tokens, record.thoughts_tokens, record.cached_tokens) == (
        10,
        5,
        7,
        4,
    )
    assert record.total_tokens == 22 and record.model_version == "gemini-3.8-flash-001" and record.context == where
    with pytest.raises(ValueError, match="call_kind='embed'"):
        record_usage(response, call_kind="embed", model=MODEL, profile=None, context=where)


def test_hook_fakes_bind_to_the_real_signature(genops_env):
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    install_fake_gcs(genops_env, FakeGCS())
    hook = GCSHook()
    hook.upload(bucket_name="b", object_name="o", data="x", mime_type="text/plain")
    with pytest.raises(TypeError, match="mimetype"):
        hook.upload(bucket_name="b", object_name="o", data="x", mimetype="text/plain")  # misspelt
    with pytest.raises(AssertionError, match="does not implement {'gzip': True}"):
        hook.upload(bucket_name="b", object_name="o", data="x", gzip=True)  # real, but not faked


LOAD = {
    "load": {
        "sourceUris": ["gs://b/o.jsonl"],
        "destinationTable": {"projectId": "p", "datasetId": "d", "tableId": "t"},
        "sourceFormat": "NEWLINE_DELIMITED_JSON",
        "writeDisposition": "WRITE_APPEND",
        "createDisposition": "CREATE_NEVER",
        "schema": {"fields": [{"name": "a", "type": "STRING", "mode": "REQUIRED"}]},
    }
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"writeDispositon": "WRITE_APPEND"}, "unknown field"),
        ({"writeDisposition": "WRITE_APPENDS"}, "writeDisposition='WRITE_APPENDS'"),
        ({"sourceFormat": "JSONL"}, "sourceFormat='JSONL'"),
        ({"sourceUris": []}, "needs sourceUris"),
    ],
)
def test_the_bigquery_fake_rejects_a_bad_load_configuration(change, message):
    assert checked_job_configuration(LOAD) is LOAD
    with pytest.raises(ValueError, match=message):
        checked_job_configuration({"load": {**LOAD["load"], **change}})


def test_the_bigquery_fake_returns_a_real_finished_job(genops_env):
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook
    from google.cloud.bigquery import LoadJob

    gcs = install_fake_gcs(genops_env, FakeGCS())
    gcs.put("b", "o.jsonl", '{"a": "x"}\n')
    bigquery = install_fake_bigquery(genops_env, gcs)
    job = BigQueryHook().insert_job(configuration=LOAD, job_id="load_1", project_id=TEST_PROJECT, nowait=True)

    assert isinstance(job, LoadJob) and job.job_id == "load_1" and job.result() is job and job.error_result is None
    assert bigquery.loaded_rows == [{"a": "x"}]


class _TaskInstance:
    dag_id, task_id, run_id, map_index, try_number = "d", "t", "manual__1", -1, 2


def test_the_bigquery_fake_rejects_an_unrendered_project(genops_env):
    """project_id is not a template field of GCSToBigQueryOperator: a template passed there stays literal."""
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    install_fake_bigquery(genops_env, install_fake_gcs(genops_env, FakeGCS()))
    with pytest.raises(ValueError, match="Invalid project_id"):
        BigQueryHook().insert_job(configuration=LOAD, project_id="{{ genops_setting('GENOPS_PROJECT_ID') }}")
