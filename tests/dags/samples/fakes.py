"""Network-edge fakes the sample DAGs need on top of tests/dags/fakes.py.

- ScriptedGenAIClient answers verbatim (structured output is JSON; no model tag appended), picks the
  answer by a marker in the request (built and validated by the SDK, as FakeGenAIClient does) and can
  raise or re-enter like a failing service.
- FakeSampleGCS adds GCSHook.list; FakeSampleBigQuery adds BigQueryHook.list_rows (tabledata.list).
- FakeAirflowApi replaces genops.samples.airflow_api.get_json, the one REST call of the status report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.dags.conftest import TEST_SETTINGS
from tests.dags.fakes import (
    Call,
    FakeBigQuery,
    FakeGCS,
    FakeGenAIClient,
    checked_method,
    install_fake_bigquery,
    install_fake_gcs,
)

BUCKET = TEST_SETTINGS["GENOPS_DATA_BUCKET"]


@dataclass
class ScriptedGenAIClient(FakeGenAIClient):
    """`replies` maps a marker (text found in the request's contents) to the exact answer text."""

    replies: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None  # raised by generate_content, after the call is recorded
    during_generate: Callable[[], None] | None = None  # runs inside generate_content (re-entrancy tests)

    def generate_calls(self) -> list[dict]:
        return [call.kwargs for call in self.calls if call.method == "generate_content"]

    def before_answer(self) -> None:
        super().before_answer()
        if self.during_generate:
            self.during_generate()
        if self.error:
            raise self.error

    def answer(self, model: str, body: dict) -> str:
        request = json.dumps(body["contents"])
        matches = [reply for marker, reply in self.replies.items() if marker in request]
        return matches[0] if matches else f"{self.reply} [{model}]"


@dataclass
class FakeSampleGCS(FakeGCS):
    def list(self, bucket_name, prefix):
        self.calls.append(Call("list", {"bucket_name": bucket_name, "prefix": prefix}))
        return sorted(name for bucket, name in self.objects if bucket == bucket_name and name.startswith(prefix or ""))

    def text(self, object_name: str, bucket: str = BUCKET) -> str:
        return self.objects[(bucket, object_name)].decode()

    def uploads(self) -> list[str]:
        return [call.kwargs["object_name"] for call in self.calls if call.method == "upload"]


def install_fake_sample_gcs(monkeypatch, gcs: FakeSampleGCS | None = None) -> FakeSampleGCS:
    from airflow.providers.google.cloud.hooks.gcs import GCSHook

    gcs = install_fake_gcs(monkeypatch, gcs or FakeSampleGCS())
    monkeypatch.setattr(GCSHook, "list", checked_method(GCSHook.list, gcs.list, supported={"bucket_name", "prefix"}))
    return gcs


class _Row(dict):
    """Enough of google.cloud.bigquery.Row: `items()` over the row's fields."""


@dataclass
class FakeSampleBigQuery:
    bigquery: FakeBigQuery
    tables: dict[str, list[dict]] = field(default_factory=dict)  # "<project>.<dataset>.<table>" -> rows
    reads: list[dict] = field(default_factory=list)

    def list_rows(self, dataset_id, table_id, max_results, project_id):
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
    supported = {"dataset_id", "table_id", "max_results", "project_id"}
    monkeypatch.setattr(
        BigQueryHook, "list_rows", checked_method(BigQueryHook.list_rows, fake.list_rows, supported=supported)
    )
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
