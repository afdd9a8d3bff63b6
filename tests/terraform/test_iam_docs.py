"""docs/iam.md is generated from the observed needs, the listed ones and the accepted list: it must be current."""

from __future__ import annotations

from scripts.iam import docs


def test_the_permission_tables_in_docs_are_generated_from_the_needs():
    assert docs.DOC.is_file() and docs.DOC.read_text() == docs.render(), "run python -m scripts.iam.docs"


def test_every_identity_and_every_observed_permission_is_in_the_docs():
    text = docs.render()
    for identity in ("composer", "deploy", "test"):
        assert f"## `{identity}`" in text
    assert "`storage.objects.update` | `projects/_/buckets/{dags_bucket}/objects/dags/*` | observed" in text
    assert "`logging.logEntries.create` | project | listed:" in text
