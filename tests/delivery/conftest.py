from __future__ import annotations

import pytest

from tests.delivery.support import FakeGcloud, install_fake_gcloud


@pytest.fixture
def fake_gcloud(tmp_path) -> FakeGcloud:
    return install_fake_gcloud(tmp_path / "fake")
