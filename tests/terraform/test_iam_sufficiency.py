"""Each identity holds what terraform/iam_needs.yaml says it needs, on that resource, and nothing it must not."""

from __future__ import annotations

import pytest

from tests.terraform import iam_proof
from tests.terraform.iam_proof import Resource, condition_allows, grants, iam_problems, needs

pytestmark = pytest.mark.skipif(
    not iam_proof.ROLES_FILE.is_file(),
    reason=f"{iam_proof.ROLES_FILE} (predefined IAM roles) is missing: set GENOPS_IAM_ROLES to roles.json.gz",
)


def test_every_identity_can_do_its_job_and_nothing_it_must_not():
    problems = iam_problems()
    assert not problems, "\n".join(problems)


def test_the_proof_covers_every_identity_and_the_sensitive_permissions():
    described = needs()
    assert set(described) == {"composer", "deploy", "test"}
    assert all(spec.get("needs") and spec.get("never") for spec in described.values())
    granted = {g.identity for g in grants()[0]}
    assert granted == set(described)


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        ("dags_bucket", True),  # storage.buckets.get and storage.objects.list are checked here
        ("dags_bucket/dags/count_tokens.py", True),
        ("dags_bucket/dags/.genops_release.json", True),
        ("dags_bucket/dagsx/evil.py", False),
        ("dags_bucket/plugins/evil.py", False),
        ("dags_bucket/data/dags/x.py", False),
        ("dags_bucket/logs/dags/x.log", False),
    ],
)
def test_the_deploy_condition_reaches_the_bucket_and_dags_only(resource, allowed):
    (deploy,) = [g for g in grants()[0] if g.identity == "deploy" and g.scope == "dags_bucket"]
    assert condition_allows(deploy.condition, Resource.parse(resource)) is allowed


def test_conditions_the_proof_cannot_read_are_rejected():
    with pytest.raises(ValueError, match="not one the proof understands"):
        condition_allows('resource.name.endsWith(".py")', Resource.parse("dags_bucket/dags/a.py"))


def test_the_optional_search_role_is_proven_too():
    without, _ = grants(search_grounding=False)
    with_search, _ = grants(search_grounding=True)
    assert {g.role for g in with_search} - {g.role for g in without} == {"roles/discoveryengine.viewer"}
