"""Least privilege, as far as the HCL alone shows it: no basic roles, no keys, no authoritative IAM."""

from __future__ import annotations

import re
from pathlib import Path

from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, load, locals_of, strings, tf_files

BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
ROLE = re.compile(r"roles/[A-Za-z0-9_.]+")


def _roles_in(path: Path) -> set[str]:
    return {role for text in strings(load(path)) for role in ROLE.findall(text)}


def test_roles_were_found():
    roles = {role for path in tf_files() for role in _roles_in(path)}
    assert {"roles/composer.worker", "roles/storage.objectAdmin"} <= roles, "the scan found too few roles"


def test_no_basic_roles_anywhere():
    for path in tf_files():
        assert not _roles_in(path) & BASIC_ROLES, f"{path.relative_to(REPO)} grants a basic role"
    settings = [*TERRAFORM.glob("environments/*.tfvars"), *TERRAFORM.glob("*.tfvars.example")]
    for path in settings:
        assert not set(ROLE.findall(path.read_text())) & BASIC_ROLES, f"{path.relative_to(REPO)} names a basic role"


def test_iam_is_additive_and_keyless():
    for resource in blocks("resource"):
        kind = resource.labels[0]
        assert not kind.endswith(("_iam_binding", "_iam_policy")), (
            f"{resource.where}: use *_iam_member, not authoritative IAM"
        )
        assert kind != "google_service_account_key", f"{resource.where}: no service account keys"


def test_every_grant_uses_a_role_the_scan_can_see():
    """A role built from a variable would escape the basic-role check above: a grant names a literal role, or
    one of iam.tf's table (literal predefined roles, or custom roles whose permissions are literal)."""
    for resource in blocks("resource"):
        if resource.labels[0].endswith("_iam_member"):
            role = resource.body["role"]
            assert role.startswith("roles/") or role == "${local.role_names[each.value.role]}", (
                f"{resource.where}: role {role!r} is not a literal"
            )
    role_names = locals_of(TERRAFORM)["role_names"]
    assert "custom:${k}" in role_names and 'startswith(role, "roles/")' in role_names


def test_data_roles_are_never_project_wide():
    grants = locals_of(TERRAFORM)
    for key, grant in {**grants["platform_grants"], **grants["search_grants"]}.items():
        if grant["scope"] == "project":
            assert not grant["role"].startswith(("roles/storage.", "roles/bigquery.data")), (
                f"{key}: {grant['role']} on the project: grant it on the bucket or table instead"
            )
