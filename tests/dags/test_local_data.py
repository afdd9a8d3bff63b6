"""A local data bucket (`make local`): the same storage calls read and write a directory, with no credentials."""

from __future__ import annotations

import pytest

from genops.core import storage
from genops.tuning.training_data import SAMPLE_DATASET
from tests.dags.runner import run_dag
from tests.dags.tuning_support import TRAINING_OBJECT, allow_reschedule_on_sqlite, without_poke_waits


@pytest.mark.parametrize("as_url", [False, True], ids=["path", "file-url"])
def test_local_bucket_round_trip_needs_no_credentials(tmp_path, no_credentials, as_url):
    bucket = tmp_path.as_uri() if as_url else str(tmp_path)

    assert storage.local_root(bucket) == tmp_path
    assert not storage.exists(bucket, "reports/run-1/report.json")
    uri = storage.upload_text(bucket, "reports/run-1/report.json", '{"ok": true}\n', mime_type="application/json")
    assert uri == (tmp_path / "reports/run-1/report.json").as_uri()
    assert storage.exists(bucket, "reports/run-1/report.json")
    copy = storage.download(bucket, "reports/run-1/report.json", tmp_path / "copy.json")
    assert copy.read_text() == '{"ok": true}\n'


def test_bucket_names_stay_gcs():
    assert storage.local_root("genops-data") is None
    assert storage.gcs_uri("genops-data", "training/a.jsonl") == "gs://genops-data/training/a.jsonl"


def test_tuning_validates_local_training_data_then_stops_at_missing_credentials(
    dagbag, genops_env, tmp_path, no_credentials, capfd, caplog
):
    (tmp_path / TRAINING_OBJECT).parent.mkdir(parents=True)
    (tmp_path / TRAINING_OBJECT).write_bytes(SAMPLE_DATASET.read_bytes())
    genops_env.setenv("GENOPS_DATA_BUCKET", str(tmp_path))
    allow_reschedule_on_sqlite(genops_env)

    result = run_dag(without_poke_waits(dagbag.get_dag("supervised_fine_tuning")))

    states = result.task_states
    assert states["tuning.wait_for_training_data"] == "success"
    assert states["tuning.validate_training_data"] == "success"
    assert result.xcom("tuning.validate_training_data")["gcs_uri"] == (tmp_path / TRAINING_OBJECT).as_uri()
    assert states["tuning.start_tuning_job"] == "failed"
    assert "Google Cloud credentials are missing" in capfd.readouterr().out + caplog.text
