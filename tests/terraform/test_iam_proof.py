"""The IAM proof on what Terraform applies (tests/terraform/iam_proof.py), and on broken copies of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.iam import applied as applied_module
from scripts.iam import observed as observed_module
from scripts.iam import refresh_roles
from scripts.iam.policy import ROLES_FILE, Policy, predefined_roles
from tests.terraform import iam_proof

needs_terraform = pytest.mark.usefixtures("terraform_available")


@pytest.fixture(scope="module")
def terraform_available():
    iam_proof.require_terraform()


@needs_terraform
def test_the_snapshot_the_local_front_enforces_is_what_terraform_applies():
    fresh = iam_proof.applied_runs()
    assert fresh == applied_module.load_snapshot(), (
        "terraform/iam/applied.json is not what Terraform applies: run python -m scripts.iam.applied "
        "--write terraform/iam/applied.json"
    )


@pytest.mark.parametrize("run", ["defaults", "search_grounding"])
def test_every_identity_holds_what_it_uses_and_nothing_it_is_not_accepted_to(run):
    """On the committed snapshot of the applied grants (kept equal to Terraform's by the test above), so that the
    proof runs wherever the tests do."""
    problems = iam_proof.proof_problems(applied_module.load_snapshot()[run])
    assert not problems, "\n".join(problems)


def test_the_proof_reads_every_iam_resource_not_only_the_table():
    runs = applied_module.load_snapshot()
    addresses = {g["address"] for g in runs["defaults"]["grants"]}
    assert "module.service_accounts.google_service_account_iam_member.composer_agent" in addresses
    members = {g["member"] for g in runs["defaults"]["grants"]}
    assert set(iam_proof.IDENTITIES) <= members
    assert {g["role"] for g in runs["search_grounding"]["grants"]} - {
        g["role"] for g in runs["defaults"]["grants"]
    } == {"roles/discoveryengine.viewer"}


def test_what_the_wire_observed_covers_every_identity_that_acts_there():
    observed = observed_module.load()
    assert {e["identity"] for e in observed} == {"composer", "deploy"}, "the wire tests record the DAGs and the deploy"
    assert ("deploy", "storage.objects.update") in {(e["identity"], e["permission"]) for e in observed}


def test_every_accepted_entry_is_still_needed():
    """A stale acceptance would silently allow a later grant: each entry must match a grant that exists."""
    policy = Policy(applied_module.load_snapshot()["defaults"], iam_proof.NAMES)
    for entry in iam_proof.accepted()["accepted"]:
        assert any(
            g.member == entry["identity"] and iam_proof._role_matches(entry["role"], g.role) for g in policy.grants
        ), f"accepted.yaml entry for {entry['identity']} {entry['role']} matches no grant: remove it"


def test_the_role_data_travels_with_the_repository():
    roles = refresh_roles.granted_roles()
    data = ROLES_FILE.read_text()
    assert all(f'"{role}"' in data for role in roles), "run python -m scripts.iam.refresh_roles"
    licence = ROLES_FILE.with_name("LICENSE-iam-dataset").read_text()
    assert "MIT" in licence or "Permission is hereby granted" in licence


def test_the_role_subset_is_what_the_full_data_set_gives():
    """Against the full data set where it is (a developer's machine); everywhere, the subset is well formed."""
    roles = predefined_roles()
    assert roles and all(permissions for permissions in roles.values())
    assert set(refresh_roles.REVIEWED) <= set(roles)
    if refresh_roles.DEFAULT_SOURCE.is_file():
        assert refresh_roles.main(["--check"]) == 0


# --- broken copies: each must fail the proof, naming what is wrong ------------------------------------------------

DEPLOY_GRANT = '"deploy dags_bucket deploy_dags"    = { identity = "deploy", scope = "dags_bucket", role = "custom:deploy_dags", condition = "dags_prefix" }'  # noqa: E501
DATA_GRANT = '"composer data_bucket objectAdmin"  = { identity = "composer", scope = "data_bucket", role = "roles/storage.objectAdmin", condition = null }'  # noqa: E501
TABLE_END = '    "test project logWriter"            = { identity = "test", scope = "project", role = "roles/logging.logWriter", condition = null }\n'  # noqa: E501


def _add_to_table(line: str):
    return lambda text: text.replace(TABLE_END, TABLE_END + f"    {line}\n")


MUTATIONS = {
    "the deploy grant loses its IAM condition": (
        lambda text: text.replace(DEPLOY_GRANT, DEPLOY_GRANT.replace('condition = "dags_prefix"', "condition = null")),
        None,
        r"over-privilege: deploy holds storage\.objects\.\w+ on .*dags_bucket/plugins/",
    ),
    "the data and DAG buckets are swapped in the table": (
        lambda text: text.replace(DEPLOY_GRANT, DEPLOY_GRANT.replace('scope = "dags_bucket"', 'scope = "data_bucket"'))
        .replace(DATA_GRANT, DATA_GRANT.replace('scope = "data_bucket"', 'scope = "dags_bucket"')),
        None,
        r"deploy lacks storage\.objects\.create on projects/_/buckets/proof-dags/objects/dags/",
    ),
    "a project-wide storage.admin for the deploy account in a resource of its own": (
        None,
        'resource "google_project_iam_member" "deploy_extra" {\n  project = module.project_services.project_id\n'
        '  role    = "roles/storage.admin"\n  member  = module.service_accounts.members["deploy"]\n}\n',
        r"over-privilege: deploy holds storage\.buckets\.(create|delete) .*roles/storage\.admin",
    ),
    "aiplatform.admin instead of aiplatform.user": (
        lambda text: text.replace('role = "roles/aiplatform.user"', 'role = "roles/aiplatform.admin"'),
        None,
        r"over-privilege: composer holds aiplatform\.\w+\.(delete|setIamPolicy) .*roles/aiplatform\.admin",
    ),
    "the Composer account may create tokens for service accounts": (
        _add_to_table('"composer project tokens" = { identity = "composer", scope = "project", role = "roles/iam.serviceAccountTokenCreator", condition = null }'),  # noqa: E501
        None,
        r"over-privilege: composer holds iam\.serviceAccounts\.getAccessToken",
    ),
    "the pull request account may read secrets": (
        _add_to_table('"test project secrets" = { identity = "test", scope = "project", role = "roles/secretmanager.secretAccessor", condition = null }'),  # noqa: E501
        None,
        r"(over-privilege: test holds secretmanager\.versions\.access|test holds secretmanager\.versions\.access on project)",  # noqa: E501
    ),
    "the post-deploy check cannot read the environment": (
        lambda text: text.replace('permissions = ["composer.environments.get"]', 'permissions = ["composer.environments.list"]'),  # noqa: E501
        None,
        r"deploy lacks composer\.environments\.get on .*environments/",
    ),
    "the dags/ condition leaves out the bucket (object listing is checked on the bucket)": (
        lambda text: text.replace('expression  = "resource.type == \\"storage.googleapis.com/Bucket\\" || resource.name', 'expression  = "resource.name'),  # noqa: E501
        None,
        r"deploy lacks storage\.objects\.list on projects/_/buckets/proof-dags,",
    ),
    "a custom role names a permission that does not exist": (
        lambda text: text.replace('"bigquery.tables.updateData"]', '"bigquery.tables.updatedata"]'),
        None,
        r"names bigquery\.tables\.updatedata, which no role",
    ),
    "pull request builds get Composer's environment and storage admin role": (
        lambda text: text.replace('identity = "test", scope = "project", role = "roles/logging.logWriter"', 'identity = "test", scope = "project", role = "roles/composer.environmentAndStorageObjectAdmin"'),  # noqa: E501
        None,
        r"over-privilege: test holds storage\.objects\.create",
    ),
    "the Composer account may drop the tables (dataset dataEditor)": (
        lambda text: text.replace('role = "custom:table_writer"', 'role = "roles/bigquery.dataEditor"'),
        None,
        r"composer holds bigquery\.tables\.delete on table",
    ),
    "the deploy role loses storage.objects.update (the second deploy's patches)": (
        lambda text: text.replace(', "storage.objects.update"]', "]"),
        None,
        r"deploy lacks storage\.objects\.update on .*observed at the wire: storage\.objects\.patch",
    ),
}  # fmt: skip


def scratch_terraform(tmp_path: Path, edit=None, extra: str | None = None) -> Path:
    """A copy of terraform/ with iam.tf edited and/or one more file; the edit must change something."""
    copy = iam_proof.copy_terraform(tmp_path)
    if edit is not None:
        iam = copy / "iam.tf"
        before = iam.read_text()
        after = edit(before)
        assert after != before, "the mutation no longer applies to iam.tf: update the test"
        iam.write_text(after)
    if extra is not None:
        (copy / "extra_iam.tf").write_text(extra)
    return copy


@needs_terraform
@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_weakening_of_the_grants_fails_the_proof(tmp_path, name):
    edit, extra, expected = MUTATIONS[name]
    runs = applied_module.applied(scratch_terraform(tmp_path, edit, extra))
    problems = iam_proof.proof_problems(runs["defaults"])
    assert any(re.search(expected, p) for p in problems), f"{name}: not caught; problems:\n" + "\n".join(problems)
