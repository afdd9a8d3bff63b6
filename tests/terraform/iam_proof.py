"""The IAM proof: what Terraform applies, against what the identities are seen to use and what is accepted.

Reads the grants from the state of a mocked apply (scripts/iam/applied.py: every `*_iam_member`, custom role and
authoritative binding, in whatever file or module it is declared), expands roles with terraform/iam/roles.json
(predefined) or the custom role's own permissions, evaluates IAM conditions on the resource, and reports:

- needs not met: each (identity, permission, resource) the IAM front observed at the wire
  (terraform/iam/observed.json) and each one terraform/iam_needs.yaml lists as not observable offline;
- `never` entries of iam_needs.yaml that are held;
- over-privilege: every sensitive permission (terraform/iam/accepted.yaml `sensitive`) an identity holds, per
  grant and per probe resource it reaches, that no accepted entry (identity, role, permission, where) covers;
- custom role permissions nobody is seen or known to need, authoritative IAM, roles the data does not know.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from scripts.iam import applied as applied_module
from scripts.iam import observed as observed_module
from scripts.iam.policy import Grant, Policy, UnknownRole, bind, predefined_roles

REPO = Path(__file__).resolve().parents[2]

IDENTITIES = ("composer", "deploy", "test")
NEEDS = REPO / "terraform" / "iam_needs.yaml"
ACCEPTED = REPO / "terraform" / "iam" / "accepted.yaml"
# Names the proof binds the placeholders to (any distinct names do).
NAMES = {"project": "acme-proof", "data_bucket": "proof-data", "dags_bucket": "proof-dags", "dataset": "proof_ds"}


def require_terraform() -> None:
    """Under CI the proof must run: a missing terraform fails; elsewhere it skips, saying what is missing."""
    if shutil.which("terraform") is None:
        message = "terraform is not on PATH: the IAM proof reads the grants from a mocked `terraform test` apply"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@functools.cache
def applied_runs(terraform_dir: Path = REPO / "terraform") -> dict[str, dict]:
    return applied_module.applied(terraform_dir)


def copy_terraform(tmp_path: Path) -> Path:
    """A scratch copy of terraform/ (to break), beside links to the rest of the repository it reads files from."""
    root = tmp_path / "repository"
    root.mkdir()
    for entry in REPO.iterdir():
        if entry.name != "terraform" and not entry.name.startswith("."):
            (root / entry.name).symlink_to(entry)
    shutil.copytree(
        REPO / "terraform",
        root / "terraform",
        symlinks=True,
        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"),
    )
    return root / "terraform"


def accepted() -> dict:
    return yaml.safe_load(ACCEPTED.read_text())


def needs() -> dict:
    return yaml.safe_load(NEEDS.read_text())["identities"]


def _concrete(resource: str) -> str:
    return bind(resource, NAMES).replace("/*", "/x")


def _role_matches(pattern: str, role: str) -> bool:
    if pattern.startswith("custom:"):
        return re.fullmatch(rf"projects/[^/]+/roles/\w*_{re.escape(pattern.removeprefix('custom:'))}", role) is not None
    return pattern == role


def _is_sensitive(permission: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(permission, p) for p in patterns)


def over_privilege(policy: Policy, review: dict) -> list[str]:
    probes = {name: _concrete(resource) for name, resource in review["probes"].items()}
    problems = []
    for grant in policy.grants:
        if grant.member not in IDENTITIES:
            continue
        for permission in sorted(p for p in grant.permissions if _is_sensitive(p, review["sensitive"])):
            reached = {
                name
                for name, resource in probes.items()
                for g in policy._concrete(grant)
                if g.allows(permission, resource)
            }
            if not reached:
                continue
            covered = any(
                entry["identity"] == grant.member
                and _role_matches(entry["role"], grant.role)
                and any(fnmatch.fnmatchcase(permission, p) for p in entry["permissions"])
                and ("*" in entry["where"] or reached <= set(entry["where"]))
                for entry in review["accepted"]
            )
            if not covered:
                problems.append(
                    f"over-privilege: {grant.member} holds {permission} on {', '.join(sorted(reached))} through "
                    f"{grant.role} ({grant.address}), which terraform/iam/accepted.yaml does not accept"
                )
    return problems


def proof_problems(run: dict) -> list[str]:
    """Everything wrong with one applied run's IAM."""
    problems = [
        f"{address}: authoritative IAM replaces grants made elsewhere; use *_iam_member"
        for address in run["authoritative"]
    ]
    try:
        policy = Policy(run, NAMES)
    except UnknownRole as error:
        return [*problems, str(error)]
    review = accepted()
    probes = {name: _concrete(resource) for name, resource in review["probes"].items()}
    known = frozenset().union(*predefined_roles().values())
    for role, permissions in run["custom_roles"].items():
        problems += [
            f"custom role {role} names {p}, which no role of terraform/iam/roles.json has (misspelt? else refresh it)"
            for p in permissions
            if p not in known
        ]
    required = needs()
    wanted: list[tuple[str, str, str, str]] = [
        (e["identity"], e["permission"], _concrete(e["resource"]), "observed at the wire: " + ", ".join(e["methods"]))
        for e in observed_module.load()
    ]
    for identity, spec in required.items():
        for entry in spec.get("needs", []):
            wanted.append((identity, entry["permission"], probes[entry["resource"]], entry["source"]))
        for entry in spec.get("roles", []):
            where = review["probes"][entry["resource"]]
            if not any(g.member == identity and g.role == entry["role"] and g.resource == where for g in policy.grants):
                problems.append(f"{identity} lacks {entry['role']} on {entry['resource']} ({entry['source']})")
        for entry in spec.get("never", []):
            holders = policy.holders(identity, entry["permission"], probes[entry["resource"]])
            if holders:
                problems.append(
                    f"{identity} holds {entry['permission']} on {entry['resource']} through "
                    f"{', '.join(sorted({g.role for g in holders}))}, which it must not: {entry['why']}"
                )
    for identity, permission, resource, why in wanted:
        if not policy.allows(identity, permission, resource):
            problems.append(f"{identity} lacks {permission} on {resource}, which it needs ({why})")
    problems += over_privilege(policy, review)
    needed = {(identity, permission) for identity, permission, _, _ in wanted}
    for grant in policy.grants:
        if grant.member in IDENTITIES and "/roles/" in grant.role:
            for permission in sorted(p for p in grant.permissions if (grant.member, p) not in needed):
                problems.append(
                    f"custom role {grant.role} gives {grant.member} {permission}, which nothing observed or listed "
                    "in iam_needs.yaml uses: a custom role holds exactly what is needed"
                )
    return problems


def grants_of(run: dict) -> list[Grant]:
    return Policy(run, NAMES).grants
