"""The DAG side of the release marker: genops.core.release reads dags/.genops_release.json into a DAG tag."""

from __future__ import annotations

import json
import sys

import pytest

from genops.core import release
from tests.delivery.support import REPO

sys.path.insert(0, str(REPO / "scripts" / "deploy"))
from delivery import release as marker  # noqa: E402  (scripts/ is not a package)


def test_the_marker_is_read_from_the_dag_folder_the_deploy_writes_to():
    assert release.MARKER == REPO / "dags" / marker.MARKER
    assert release.TAG_PREFIX == marker.RELEASE_TAG_PREFIX


def test_a_marker_the_deploy_writes_becomes_the_release_tag(tmp_path):
    path = tmp_path / marker.MARKER
    path.write_bytes(marker.Release(release="v1.4.0", commit="a" * 40, started_at=marker.now()).to_json())
    assert release.release_tags(path) == ["release:v1.4.0"]


@pytest.mark.parametrize(
    "content", [None, "", "not json", json.dumps({"commit": "x"}), json.dumps({"release": ""}), json.dumps([1])]
)
def test_no_or_an_unreadable_marker_means_no_tag(tmp_path, content):
    path = tmp_path / marker.MARKER
    if content is not None:
        path.write_text(content)
    assert release.release_tags(path) == []


def test_the_factory_tags_each_dag_with_the_release_it_finds(tmp_path, monkeypatch):
    from genops.core import dag_factory

    path = tmp_path / marker.MARKER
    path.write_text(json.dumps({"release": "abc123def456"}))
    monkeypatch.setattr(dag_factory, "release_tags", lambda: release.release_tags(path))
    dag = dag_factory.lab_dag("release_probe", description="probe", tags=["x"])
    assert "release:abc123def456" in dag.tags and "genops" in dag.tags
