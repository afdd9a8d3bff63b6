"""Effective permissions of each identity, from the grants Terraform applies (scripts/iam/applied.py).

A grant is (member, resource, role, condition). Its role expands to permissions through the predefined roles'
contents (terraform/iam/roles.json, a subset of what Google's roles.get returns) or the custom role's own list
(`google_project_iam_custom_role` in the same state). It reaches the resource it is made on and everything under
it: a project grant every resource of the project, a bucket grant the bucket and its objects
(`projects/_/buckets/B/objects/...`), a dataset grant its tables. An IAM condition is then evaluated on the
resource the permission is checked on (`resource.type`, `resource.name`), as IAM does.

Placeholders of the snapshot (`{project}`, `{data_bucket}`, `{dags_bucket}`, `{dataset}`) are bound to the
names of the cloud the policy is used in: `Policy(runs["defaults"], bind={"project": "genops-local", ...})`.
A placeholder may be bound to several names (several Composer buckets in one test session).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROLES_FILE = REPO / "terraform" / "iam" / "roles.json"
BUCKET_TYPE, OBJECT_TYPE = "storage.googleapis.com/Bucket", "storage.googleapis.com/Object"
PLACEHOLDER = re.compile(r"\{(project|data_bucket|dags_bucket|dataset)\}")
# Resource types by resource name, for `resource.type` in conditions.
TYPES = (
    (re.compile(r"projects/_/buckets/[^/]+/objects/.+"), OBJECT_TYPE),
    (re.compile(r"projects/_/buckets/[^/]+"), BUCKET_TYPE),
    (re.compile(r"projects/[^/]+/datasets/[^/]+/tables/[^/]+"), "bigquery.googleapis.com/Table"),
    (re.compile(r"projects/[^/]+/datasets/[^/]+"), "bigquery.googleapis.com/Dataset"),
    (re.compile(r"projects/[^/]+"), "cloudresourcemanager.googleapis.com/Project"),
)


@functools.cache
def predefined_roles(path: Path = ROLES_FILE) -> dict[str, frozenset[str]]:
    roles = json.loads(path.read_text())["roles"]
    return {name: frozenset(role["permissions"]) for name, role in roles.items()}


def resource_type(name: str) -> str:
    for pattern, kind in TYPES:
        if pattern.fullmatch(name):
            return kind
    return "unknown"


def condition_allows(expression: str, kind: str, name: str) -> bool:
    """Evaluate an IAM condition made of `resource.type == "..."` and `resource.name.startsWith("...")` terms
    joined by || and && (the forms the blueprint writes); any other form is refused, never guessed."""
    term = re.compile(r'\s*(resource\.type\s*==\s*"([^"]*)"|resource\.name\.startsWith\("([^"]*)"\))\s*')
    results = []
    for alternative in expression.split("||"):
        values = []
        for part in alternative.split("&&"):
            match = term.fullmatch(part)
            if not match:
                raise ValueError(f"condition term {part.strip()!r} is not one the policy understands")
            values.append(kind == match.group(2) if match.group(2) is not None else name.startswith(match.group(3)))
        results.append(all(values))
    return any(results)


def reaches(granted_on: str, name: str) -> bool:
    """Whether a grant on `granted_on` applies to resource `name` (the resource hierarchy, within one project)."""
    if granted_on == name:
        return True
    if re.fullmatch(r"projects/[^/_][^/]*", granted_on):
        return True  # every resource the local cloud has is in its one project
    return name.startswith(granted_on + "/")


@dataclass(frozen=True)
class Grant:
    address: str
    member: str
    resource: str
    role: str
    permissions: frozenset[str]
    condition: str | None

    def allows(self, permission: str, name: str) -> bool:
        if permission not in self.permissions or not reaches(self.resource, name):
            return False
        return self.condition is None or condition_allows(self.condition, resource_type(name), name)


class UnknownRole(LookupError):
    pass


def expand(run: Mapping, roles: Mapping[str, frozenset[str]] | None = None) -> list[Grant]:
    """The run's grants with their roles' permissions (placeholders left in)."""
    roles = predefined_roles() if roles is None else roles
    custom = {name: frozenset(perms) for name, perms in run["custom_roles"].items()}
    grants = []
    for g in run["grants"]:
        permissions = custom.get(g["role"], roles.get(g["role"]))
        if permissions is None:
            raise UnknownRole(
                f"{g['address']}: role {g['role']} is neither a custom role of the state nor in {ROLES_FILE.name} "
                "(run scripts/iam/refresh_roles.py)"
            )
        grants.append(Grant(g["address"], g["member"], g["resource"], g["role"], permissions, g["condition"]))
    return grants


def bind(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class Policy:
    """Who may do what where, for one cloud: `allows(identity, permission, resource_name)`."""

    def __init__(self, run: Mapping, bind: Mapping[str, str | Iterable[str]], roles=None):
        self.grants = expand(run, roles)
        self.bindings = {k: {v} if isinstance(v, str) else set(v) for k, v in bind.items()}

    def for_run(self, run: Mapping) -> Policy:
        """The same cloud (its bindings, shared: names added later count for both) under another run's grants."""
        other = Policy(run, {})
        other.bindings = self.bindings
        return other

    def add_name(self, placeholder: str, name: str) -> None:
        """Bind one more name to a placeholder (a new Composer bucket)."""
        self.bindings.setdefault(placeholder, set()).add(name)

    def _concrete(self, grant: Grant) -> Iterable[Grant]:
        used = sorted(set(PLACEHOLDER.findall(grant.resource + (grant.condition or ""))))
        for values in itertools.product(*(sorted(self.bindings.get(p, ())) for p in used)):
            chosen = dict(zip(used, values, strict=True))
            yield Grant(
                grant.address, grant.member, bind(grant.resource, chosen), grant.role, grant.permissions,
                bind(grant.condition, chosen) if grant.condition else None,
            )  # fmt: skip

    def unbind(self, name: str) -> str:
        """A local resource name in the snapshot's terms: bound names become placeholders again, and an object's
        name is cut to its first folder (`.../objects/reports/*`), which is what conditions and reviews read, and an
        environment's name to `environments/*` (tests name one per run)."""
        pairs = sorted(((v, k) for k, values in self.bindings.items() for v in values), key=lambda p: -len(p[0]))
        for value, placeholder in pairs:
            name = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "{" + placeholder + "}", name)
        name = re.sub(r"/environments/[^/]+$", "/environments/*", name)
        head, sep, obj = name.partition("/objects/")
        if sep:
            folder, slash, _ = obj.partition("/")
            name = f"{head}/objects/{folder}/*" if slash else f"{head}/objects/*"
        return name

    def holders(self, identity: str, permission: str, name: str) -> list[Grant]:
        return [
            concrete
            for grant in self.grants
            if grant.member == identity and permission in grant.permissions
            for concrete in self._concrete(grant)
            if concrete.allows(permission, name)
        ]

    def allows(self, identity: str, permission: str, name: str) -> bool:
        return bool(self.holders(identity, permission, name))

    def permissions(self, identity: str) -> frozenset[str]:
        """Every permission the identity holds anywhere (the over-privilege review's input)."""
        return frozenset().union(*(g.permissions for g in self.grants if g.member == identity))
