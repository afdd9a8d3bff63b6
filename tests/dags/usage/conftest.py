"""The usage ledger's tests: the real google-cloud-bigquery client against the local stand-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dags.usage.bigquery_standin import BigQueryStandIn, serve

PROJECT = "genops-test-project"


@pytest.fixture
def bigquery_standin(genops_env):
    """The ledger table `genops-test-project.genops.gemini_usage` served locally; the ledger's client points at it."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery as bq

    from genops.usage import bigquery, ledger

    standin = BigQueryStandIn(PROJECT, "genops", "gemini_usage")
    server, url = serve(standin)

    def client(what: str):
        return bq.Client(
            project=PROJECT, credentials=AnonymousCredentials(), client_options=ClientOptions(api_endpoint=url)
        )

    genops_env.setattr(bigquery, "client", client)
    genops_env.setattr(ledger, "LEDGER", ledger.Ledger(sleep=lambda seconds: None))  # no real backoff waits
    yield standin
    server.shutdown()
    server.server_close()


@pytest.fixture
def spent_today(bigquery_standin):
    """Put earlier runs' spend in today's ledger: spent_today(tokens, cost_usd=None)."""

    def spend(tokens: int, cost_usd: float | None = None) -> None:
        bigquery_standin.rows["earlier-run"] = {
            "call_id": "earlier-run",
            "called_at": datetime.now(UTC).isoformat(),
            "total_tokens": tokens,
            "estimated_cost_usd": cost_usd,
        }

    return spend
