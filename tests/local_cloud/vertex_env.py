"""The Vertex AI stand-in for tests, and the real clients aimed at it by their own settings.

`vertex_standin(storage_host)` serves the stand-in while open; `gcs_fixture(bucket)` is a test module's Cloud
Storage emulator for it (a module-scoped `gcs` fixture, the bucket created); `genai_client(url)` is google-genai's
Vertex AI client with that base URL (what GOOGLE_VERTEX_BASE_URL does for clients built elsewhere);
`vertexai_sdk(url)` points the Vertex AI SDK (EvalTask, experiments) at it with the REST transport and restores the
SDK's global configuration on exit. Any bearer token is accepted by the stand-in: `TOKEN` is a static OAuth token.
"""

from __future__ import annotations

import contextlib

import pytest

from scripts.local.cloud.gcs import GcsEmulator
from scripts.local.cloud.vertex import VertexStandIn
from tests.local_cloud.gcp_env import PROJECT, REGION  # noqa: F401 (the one local project, for the tests)

TOKEN = "local-test-token"


def credentials():
    from google.oauth2.credentials import Credentials

    return Credentials(token=TOKEN)


def gcs_fixture(bucket: str):
    """A module-scoped `gcs` fixture: the Cloud Storage emulator with `bucket` created (`gcs = gcs_fixture(BUCKET)`)."""

    @pytest.fixture(scope="module")
    def gcs(tmp_path_factory):
        root = tmp_path_factory.mktemp("gcs")
        emulator = GcsEmulator(root / "data", root / "gcs.log").start()
        emulator.create_bucket(bucket, PROJECT)
        yield emulator
        emulator.stop()

    return gcs


@contextlib.contextmanager
def vertex_standin(storage_host: str | None = None, *, pending: float = 0.2, running: float = 0.6):
    standin = VertexStandIn(storage_host=storage_host, tuning_pending_seconds=pending, tuning_running_seconds=running)
    with standin:
        yield standin


def genai_client(url: str, retry_options=None):
    from google import genai
    from google.genai import types

    return genai.Client(
        vertexai=True,
        project=PROJECT,
        location=REGION,
        credentials=credentials(),
        http_options=types.HttpOptions(base_url=url, retry_options=retry_options),
    )


@contextlib.contextmanager
def vertexai_sdk(url: str):
    """vertexai.init(api_endpoint=url, api_transport="rest") for the block; the SDK's globals are reset after."""
    import vertexai
    from google.cloud.aiplatform import initializer
    from google.cloud.aiplatform.metadata import metadata

    initializer.global_config.__init__()  # aiplatform.init is bound to this object: reset it in place
    try:
        vertexai.init(
            project=PROJECT, location=REGION, api_endpoint=url, api_transport="rest", credentials=credentials()
        )
        yield
    finally:
        initializer.global_config.__init__()
        metadata._experiment_tracker.reset()
