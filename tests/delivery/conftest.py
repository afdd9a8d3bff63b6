from __future__ import annotations

import pytest

from tests.delivery.cloud import TOKEN, Cloud, require_gcloud
from tests.delivery.composer import ComposerApi
from tests.delivery.gcs import Storage


@pytest.fixture(scope="session")
def _servers(tmp_path_factory):
    require_gcloud()
    storage = Storage(tmp_path_factory.mktemp("storage"))
    composer = ComposerApi(TOKEN)
    workers: dict = {}
    yield storage, composer, workers
    for worker in workers.values():
        worker.close()
    composer.close()
    storage.close()


@pytest.fixture
def cloud(_servers, tmp_path) -> Cloud:
    """The real gcloud against the local Storage emulator, Composer API and Airflow stand-ins."""
    storage, composer, workers = _servers
    (tmp_path / "home").mkdir()
    cloud = Cloud(storage, composer, workers, tmp_path / "home")
    yield cloud
    cloud.close()
