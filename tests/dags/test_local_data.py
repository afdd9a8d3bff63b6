"""The data bucket under `make local` and in these tests is a bucket in the Cloud Storage emulator: genops' storage
calls reach it through the provider's GCSHook and google-cloud-storage's STORAGE_EMULATOR_HOST, with the local
ADC file and no Google account; nothing in the DAG code knows it is local."""

from __future__ import annotations

import google.auth
import google.auth._default
import pytest

from genops.core import storage
from genops.core.credentials import MissingCredentialsError
from genops.samples import gcs
from tests.local_cloud.gcp_env import BUCKET, local_gcp


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with local_gcp(tmp_path_factory.mktemp("gcp")) as cloud:
        yield cloud


@pytest.fixture
def local_adc(emulator, google_credentials):
    """google.auth.default() as a task runs it: it finds the local ADC file (not the tests' anonymous stub)."""
    google_credentials.setattr(google.auth, "default", google.auth._default.default)
    return emulator


def test_objects_round_trip_through_the_emulator_with_the_local_adc(local_adc, genops_env, tmp_path):
    genops_env.setenv("GENOPS_DATA_BUCKET", BUCKET)
    assert not storage.exists(BUCKET, "reports/run-1/report.json")

    uri = storage.upload_text(BUCKET, "reports/run-1/report.json", '{"ok": true}\n', mime_type="application/json")

    assert uri == f"gs://{BUCKET}/reports/run-1/report.json"
    assert storage.exists(BUCKET, "reports/run-1/report.json")
    assert storage.download(BUCKET, "reports/run-1/report.json", tmp_path / "copy.json").read_text() == '{"ok": true}\n'
    assert gcs.list_objects("reports/") == ["reports/run-1/report.json"]
    assert gcs.read_text("reports/run-1/report.json") == '{"ok": true}\n'


def test_a_bucket_that_does_not_exist_is_an_error_not_an_empty_answer(local_adc):
    from google.api_core.exceptions import NotFound

    with pytest.raises(NotFound):
        storage.upload_text("no-such-bucket-here", "a.json", "{}", mime_type="application/json")


def test_without_credentials_storage_fails_before_any_call_naming_the_fix(no_credentials):
    with pytest.raises(MissingCredentialsError, match="gcloud auth application-default login"):
        storage.exists("genops-data", "training/a.jsonl")
