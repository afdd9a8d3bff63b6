"""Offline proof that each identity the blueprint creates can do its job and nothing listed as sensitive.

Reads the grant table in terraform/iam.tf (python-hcl2): `platform_grants` (always) and `search_grants`
(only with genops_search_data_store), the custom roles' permission lists and the IAM conditions; expands
predefined roles with ../shared/gcp-iam/roles.json.gz (what Google's roles.get returns for each role);
and checks every entry of terraform/iam_needs.yaml on the resource it names.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.terraform.hcl_tree import REPO, locals_of

ROLES_FILE = Path(os.environ.get("GENOPS_IAM_ROLES", REPO.parent / "shared" / "gcp-iam" / "roles.json.gz"))
BUCKET_TYPE, OBJECT_TYPE = "storage.googleapis.com/Bucket", "storage.googleapis.com/Object"
# Permissions Cloud Storage checks on the bucket even when they are about its objects.
BUCKET_LEVEL = {"storage.buckets.get", "storage.objects.list"}
# Stand-in bucket names for `${local.X}` in condition expressions.
BUCKET_NAMES = {"data_bucket": "acme-genops-dev-genops-dev-data", "dags_bucket": "us-central1-genops-dev-1a2b-bucket"}
CONDITION_REFERENCES = {"${local.dags_bucket}": BUCKET_NAMES["dags_bucket"]}


@functools.cache
def predefined_roles() -> dict[str, frozenset[str]]:
    with gzip.open(ROLES_FILE) as handle:
        return {name: frozenset(role["permissions"]) for name, role in json.load(handle).items()}


@dataclass(frozen=True)
class Resource:
    """What a permission is checked on: a scope of the grant table and, for buckets, maybe an object."""

    scope: str  # project | data_bucket | dags_bucket | tables
    object: str | None = None

    @classmethod
    def parse(cls, text: str) -> Resource:
        scope, _, name = text.partition("/")
        if scope not in ("project", "data_bucket", "dags_bucket", "tables") or (name and "bucket" not in scope):
            raise ValueError(f"unknown resource {text!r}")
        return cls(scope, name or None)

    @property
    def iam_type_and_name(self) -> tuple[str, str]:
        bucket = f"projects/_/buckets/{BUCKET_NAMES.get(self.scope, self.scope)}"
        return (OBJECT_TYPE, f"{bucket}/objects/{self.object}") if self.object else (BUCKET_TYPE, bucket)

    def __str__(self) -> str:
        return f"{self.scope}/{self.object}" if self.object else self.scope


def condition_allows(expression: str, resource: Resource) -> bool:
    """Evaluate a Cloud Storage IAM condition built from `resource.type ==` and `resource.name.startsWith`
    terms joined by || and && (the only forms the blueprint writes; anything else is rejected)."""
    for reference, value in CONDITION_REFERENCES.items():
        expression = expression.replace(reference, value)
    kind, name = resource.iam_type_and_name
    term = re.compile(r'\s*(resource\.type\s*==\s*"([^"]*)"|resource\.name\.startsWith\("([^"]*)"\))\s*')
    results = []
    for alternative in expression.split("||"):
        values = []
        for part in alternative.split("&&"):
            match = term.fullmatch(part)
            if not match:
                raise ValueError(f"condition term {part.strip()!r} is not one the proof understands")
            values.append(kind == match.group(2) if match.group(2) is not None else name.startswith(match.group(3)))
        results.append(all(values))
    return any(results)


@dataclass(frozen=True)
class Grant:
    key: str
    identity: str
    scope: str
    role: str
    permissions: frozenset[str]
    condition: str | None  # the expression

    def reaches(self, resource: Resource) -> bool:
        if self.scope != "project" and self.scope != resource.scope:
            return False
        if self.condition is None:
            return True
        return condition_allows(self.condition, resource)


def grants(root: Path = REPO, *, search_grounding: bool = True) -> tuple[list[Grant], list[str]]:
    """Every grant of the table (with the optional ones when search_grounding) and the problems found reading it."""
    terraform = locals_of(root / "terraform")
    table = dict(terraform["platform_grants"])
    if search_grounding:
        table.update(terraform["search_grants"])
    customs = {f"custom:{k}": frozenset(v["permissions"]) for k, v in terraform["custom_roles"].items()}
    conditions = {k: v["expression"] for k, v in terraform["conditions"].items()}
    roles, problems, found = predefined_roles(), [], []
    for key, g in table.items():
        role = g["role"]
        permissions = customs.get(role, roles.get(role))
        if permissions is None:
            problems.append(f"grant {key!r}: role {role} is neither a predefined role nor a custom role of iam.tf")
            continue
        condition = g.get("condition")
        if condition is not None and condition not in conditions:
            problems.append(f"grant {key!r}: condition {condition!r} is not defined in local.conditions")
            continue
        found.append(Grant(key, g["identity"], g["scope"], role, permissions, conditions.get(condition)))
    known = frozenset().union(*roles.values())
    for role, permissions in customs.items():
        for permission in sorted(permissions - known):
            problems.append(
                f"custom role {role.removeprefix('custom:')} names {permission}, which no predefined role has"
            )
    return found, problems


def held(grant_list: list[Grant], identity: str, permission: str, resource: Resource) -> list[Grant]:
    return [g for g in grant_list if g.identity == identity and permission in g.permissions and g.reaches(resource)]


def needs(root: Path = REPO) -> dict:
    return yaml.safe_load((root / "terraform" / "iam_needs.yaml").read_text())["identities"]


def iam_problems(root: Path = REPO) -> list[str]:
    grant_list, problems = grants(root)
    required = needs(root)
    unknown = {g.identity for g in grant_list} - set(required)
    problems += [
        f"iam.tf grants roles to {i}, which terraform/iam_needs.yaml does not describe" for i in sorted(unknown)
    ]
    for identity, spec in required.items():
        for entry in spec.get("roles", []):
            resource = Resource.parse(entry["resource"])
            if not any(g.identity == identity and g.role == entry["role"] and g.reaches(resource) for g in grant_list):
                problems.append(f"{identity} lacks {entry['role']} on {resource} ({entry['why']})")
        for kind in ("needs", "never"):
            for entry in spec.get(kind, []):
                permission, resource = entry["permission"], Resource.parse(entry["resource"])
                if (permission in BUCKET_LEVEL) == bool(resource.object) and permission.startswith("storage."):
                    problems.append(
                        f"iam_needs.yaml: {permission} is checked on the "
                        f"{'bucket' if resource.object else 'object'}, not {resource}"
                    )
                    continue
                holders = held(grant_list, identity, permission, resource)
                if kind == "needs" and not holders:
                    problems.append(f"{identity} lacks {permission} on {resource}, which {entry['why']} needs")
                if kind == "never" and holders:
                    problems.append(
                        f"{identity} holds {permission} on {resource} through {', '.join(g.key for g in holders)}, "
                        f"which it must not: {entry['why']}"
                    )
    needed = {(i, e["permission"]) for i, spec in required.items() for e in spec.get("needs", [])}
    for g in grant_list:
        if g.role.startswith("custom:"):
            for permission in sorted(p for p in g.permissions if (g.identity, p) not in needed):
                problems.append(
                    f"custom role {g.role.removeprefix('custom:')} gives {g.identity} {permission}, "
                    "which no need in iam_needs.yaml lists: a custom role holds exactly what is needed"
                )
    return problems
