from __future__ import annotations

import pytest

from scripts.iam import observed
from scripts.local.cloud.credentials import LocalCredentials
from scripts.local.cloud.iam_front import IamFront
from tests.delivery.cloud import PROJECT, Cloud, require_gcloud
from tests.delivery.composer import ComposerApi
from tests.delivery.gcs import Storage


@pytest.fixture(scope="session")
def credentials() -> LocalCredentials:
    return LocalCredentials(PROJECT)


@pytest.fixture(scope="session")
def iam_front(credentials) -> IamFront:
    """The permission check of every call gcloud and the scripts make, as the deploy account, against the grants
    Terraform applies (terraform/iam/applied.json); each test's Composer bucket is bound as it is created."""
    return IamFront.local(
        credentials.identity, {"project": PROJECT, "data_bucket": (), "dags_bucket": (), "dataset": ()}
    )


@pytest.fixture(scope="session")
def _servers(tmp_path_factory, iam_front, credentials):
    require_gcloud()
    storage = Storage(tmp_path_factory.mktemp("storage"), iam=iam_front)
    composer = ComposerApi(credentials.issue("deploy"), iam=iam_front)
    workers: dict = {}
    yield storage, composer, workers
    for worker in workers.values():
        worker.close()
    composer.close()
    storage.close()


@pytest.fixture
def cloud(_servers, tmp_path, iam_front) -> Cloud:
    """The real gcloud against the local Storage emulator, Composer API and Airflow stand-ins."""
    storage, composer, workers = _servers
    (tmp_path / "home").mkdir()
    cloud = Cloud(storage, composer, workers, tmp_path / "home", iam_front)
    yield cloud
    cloud.close()
    assert not iam_front.unmapped, f"requests the IAM front has no permission for: {iam_front.unmapped}"
    new = observed.unrecorded(iam_front.calls)
    assert not new, f"permissions used but not in terraform/iam/observed.json (see scripts/iam/observed.py): {new}"
