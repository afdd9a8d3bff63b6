"""Network-edge fakes the sample DAGs need on top of tests/dags/fakes.py.

- ScriptedGenAIClient answers verbatim (structured output is JSON; no model tag appended), picks the
  answer by a marker in the request, checks each request as the real client would (GenerateContentConfig
  and Content validation) and can raise or re-enter like a failing service.
- FakeSampleGCS adds GCSHook.list; FakeSampleBigQuery adds BigQueryHook.list_rows (tabledata.list).
- FakeAirflowApi replaces genops.samples.airflow_api.get_json, the one REST call of the status report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.dags.conftest import TEST_SETTINGS
from tests.dags.fakes import Call, FakeBigQuery, FakeGCS, FakeGenAIClient, install_fake_bigquery, install_fake_gcs

BUCKET = TEST_SETTINGS["GENOPS_DATA_BUCKET"]


@dataclass
class ScriptedGenAIClient(FakeGenAIClient):
    """`replies` maps a marker (text found in the request's contents) to the exact answer text."""

    replies: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None  # raised by generate_content, after the call is recorded
    during_generate: Callable[[], None] | None = None  # runs inside generate_content (re-entrancy tests)

    def __post_init__(self):
        super().__post_init__()
        self.models = _ScriptedModels(self)

    def generate_calls(self) -> list[dict]:
        return [call.kwargs for call in self.calls if call.method == "generate_content"]


def _validated_request(contents, config) -> str:
    """What the real client checks before sending; returns the request text markers are looked up in."""
    from google.genai import types

    if isinstance(config, dict):
        types.GenerateContentConfig.model_validate(config)
    for item in contents:
        if isinstance(item, dict):
            types.Content.model_validate(item)
    return json.dumps(contents, default=str)


class _ScriptedModels:
    def __init__(self, client: ScriptedGenAIClient):
        self._client = client

    def generate_content(self, *, model, contents, config=None):
        from google.genai import types

        request = _validated_request(contents, config)
        self._client.calls.append(Call("generate_content", {"model": model, "contents": contents, "config": config}))
        if self._client.during_generate:
            self._client.during_generate()
        if self._client.error:
            raise self._client.error
        matches = [reply for marker, reply in self._client.replies.items() if marker in request]
        text = matches[0] if matches else f"{self._client.reply} [{model}]"
        return types.GenerateContentResponse(
            candidates=[
                types.Candidate(
                    content=types.Content(role="model", parts=[types.Part(text=text)]),
                    finish_reason=types.FinishReason.STOP,
                )
            ]
        )

    def count_tokens(self, *, model, contents, config=None):
        from google.genai import types

        _validated_request(contents, None)
        self._client.calls.append(Call("count_tokens", {"model": model, "contents": contents}))
        return types.CountTokensResponse(total_tokens=self._client.total_tokens)


@dataclass
class FakeSampleGCS(FakeGCS):
    def list(self, bucket_name, versions=None, max_results=None, prefix=None, delimiter=None, **kwargs):
        self.calls.append(Call("list", {"bucket_name": bucket_name, "prefix": prefix}))
        return sorted(name for bucket, name in self.objects if bucket == bucket_name and name.startswith(prefix or ""))

    def text(self, object_name: str, bucket: str = BUCKET) -> str:
        return self.objects[(bucket, object_name)].decode()

    def uploads(self) -> list[str]:
        return [call.kwargs["object_name"] for call in self.calls if call.method == "upload"]


def install_fake_sample_gcs(monkeypatch, gcs: FakeSampleGCS | None = None) -> FakeSampleGCS:
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    gcs = install_fake_gcs(monkeypatch, gcs or FakeSampleGCS())
    monkeypatch.setattr(GCSHook, "list", lambda hook, *args, **kwargs: gcs.list(*args, **kwargs))
    return gcs


class _Row(dict):
    """Enough of google.cloud.bigquery.Row: `items()` over the row's fields."""


@dataclass
class FakeSampleBigQuery:
    bigquery: FakeBigQuery
    tables: dict[str, list[dict]] = field(default_factory=dict)  # "<project>.<dataset>.<table>" -> rows
    reads: list[dict] = field(default_factory=list)

    def list_rows(self, dataset_id, table_id, max_results=None, project_id=None, **kwargs):
        from google.api_core.exceptions import NotFound

        table = f"{project_id}.{dataset_id}.{table_id}"
        self.reads.append({"table": table, "max_results": max_results})
        if table not in self.tables:
            raise NotFound(f"Table {table} was not found")
        return [_Row(row) for row in self.tables[table][:max_results]]

    @property
    def jobs(self) -> list[dict]:
        return self.bigquery.jobs

    @property
    def loaded_rows(self) -> list[dict]:
        return self.bigquery.loaded_rows


def install_fake_sample_bigquery(monkeypatch, gcs: FakeGCS) -> FakeSampleBigQuery:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    fake = FakeSampleBigQuery(install_fake_bigquery(monkeypatch, gcs))
    monkeypatch.setattr(BigQueryHook, "list_rows", lambda hook, **kwargs: fake.list_rows(**kwargs))
    return fake


@dataclass
class FakeAirflowApi:
    """Pages of DAG runs as the stable REST API returns them; records every URL and its parameters."""

    runs: list[dict] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)

    def get_json(self, url: str, params: dict) -> dict:
        self.calls.append((url, params))
        offset, limit = params.get("offset", 0), params["limit"]
        return {"dag_runs": self.runs[offset : offset + limit], "total_entries": len(self.runs)}


def install_fake_airflow_api(monkeypatch, api: FakeAirflowApi) -> FakeAirflowApi:
    from genops.samples import airflow_api

    monkeypatch.setattr(airflow_api, "get_json", api.get_json)
    return api
