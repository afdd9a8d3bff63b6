"""IAM at the wire: removing from Terraform any one permission a lab DAG uses makes the DAG fail, naming it.

Each case copies terraform/, takes one permission away from the Composer account there (out of a custom role's
list, or by swapping a predefined role for a custom copy of it without that permission), reads the grants that
copy applies (scripts/iam/applied.py, a mocked `terraform test` apply), has the wire's IAM front enforce them,
and runs a lab DAG: the DAG fails and the 403 names the permission.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from scripts.iam import applied as applied_module
from scripts.iam.policy import predefined_roles
from tests.dags.wire import run, wire_fixture  # noqa: F401  (the `wire` fixture)
from tests.terraform.iam_proof import copy_terraform, require_terraform

GRANT = re.compile(
    r'^(\s*"[^"]+"\s*=\s*\{ identity = "(?P<identity>\w+)", scope = "\w+", role = "(?P<role>[^"]+)".*)$', re.M
)


def without_permission(terraform_dir: Path, identity: str, permission: str) -> None:
    """Edit terraform_dir/iam.tf so that `identity` no longer holds `permission` through any grant of the table."""
    iam = terraform_dir / "iam.tf"
    text = iam.read_text()
    added, changed = [], False
    for match in list(GRANT.finditer(text)):
        if match["identity"] != identity:
            continue
        role = match["role"]
        if role.startswith("custom:"):
            key = role.removeprefix("custom:")
            block = re.search(rf"\n    {key} = \{{.*?permissions = \[(?P<list>[^\]]*)\]", text, re.S)
            listed = json.loads(f"[{block['list']}]")
            if permission in listed:
                kept = ", ".join(json.dumps(p) for p in listed if p != permission)
                text = text[: block.start("list")] + kept + text[block.end("list") :]
                changed = True
        elif permission in predefined_roles().get(role, ()):
            key = f"without_{len(added)}"
            kept = sorted(predefined_roles()[role] - {permission})
            added.append(
                f'    {key} = {{\n      title       = "{role} without {permission}"\n      description = "scratch"\n'
                f"      permissions = {json.dumps(kept)}\n    }}\n"
            )
            line = match.group(1)
            text = text.replace(line, line.replace(f'role = "{role}"', f'role = "custom:{key}"'))
            changed = True
    assert changed, f"no grant of {identity} holds {permission}: the case no longer applies"
    text = text.replace("  custom_roles = {\n", "  custom_roles = {\n" + "".join(added), 1)
    iam.write_text(text)


@functools.cache
def applied_without(identity: str, permission: str, scratch: Path) -> dict:
    folder = scratch / f"{identity}-{permission}"
    folder.mkdir()
    copy = copy_terraform(folder)
    without_permission(copy, identity, permission)
    return applied_module.applied(copy)["defaults"]


# permission -> (DAG, extra settings): each a call the DAG makes as the Composer account. (Not the usage
# ledger's bigquery.tables.updateData: a ledger write never fails a task, whose call is already paid; its 403
# is logged.)
CASES = {
    "aiplatform.models.get": ("count_tokens", {}),  # the preflight's models.get
    "aiplatform.endpoints.predict": ("count_tokens", {"GENOPS_DAILY_TOKEN_BUDGET": "100000"}),  # countTokens
    "aiplatform.tuningJobs.create": ("supervised_fine_tuning", {}),  # start_tuning_job
    "bigquery.tables.getData": ("count_tokens", {"GENOPS_DAILY_TOKEN_BUDGET": "100000"}),  # the daily spend gate
    "storage.objects.get": ("supervised_fine_tuning", {}),  # validate_training_data reads the training file
}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    require_terraform()
    return tmp_path_factory.mktemp("terraform-copies")


@pytest.mark.parametrize("permission", list(CASES))
def test_a_dag_fails_naming_the_permission_terraform_no_longer_grants(
    dagbag, wire, monkeypatch, scratch, capfd, caplog, permission
):
    dag_id, settings = CASES[permission]
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    front = wire.gcp.iam
    front.policy = front.policy.for_run(applied_without("composer", permission, scratch))

    result = run(dagbag.get_dag(dag_id))

    assert result.state == "failed", f"{dag_id} succeeded without {permission}"
    assert permission in {d["permission"] for d in front.denied if d["identity"] == "composer"}
    logged = capfd.readouterr().out + capfd.readouterr().err + caplog.text
    assert f"Permission '{permission}' denied" in logged or f"{permission} access" in logged, (
        f"the failure does not name {permission}"
    )
