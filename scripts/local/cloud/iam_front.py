"""The permission check in front of every local stand-in: IAM as Google enforces it, from what Terraform applies.

Each request carries a bearer token; the local credentials (credentials.py) issued it to one identity: the
Composer environment's account (`composer`, what every DAG task runs as), the deploy account (`deploy`), the
pull-request account (`test`), or `operator`, the person who runs Terraform and stages data (not checked: the
blueprint does not create that identity). The request is mapped to the permission(s) Google documents for its
REST method (iam_methods.py, one table with its sources); the identity's effective permissions come from the
grants Terraform applies (scripts/iam/policy.py over terraform/iam/applied.json), conditions included.

- Without a permission the answer is Google's: 403 PERMISSION_DENIED, naming the permission and the resource.
- A request no row of the table maps is refused with 501, naming the route: a new call gets its row first.
- Every permission used is recorded per identity (`used`, `calls`) and, when LOCAL_IAM_RECORD names a file,
  appended to it as JSON lines (identity, permission, service, method): the observed needs.

`IamFront.local(credentials, bind)` builds one over the committed snapshot; stand-ins take it as `iam=`.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from scripts.iam.applied import load_snapshot
from scripts.iam.policy import Policy
from scripts.local.cloud.http import ApiError, Request
from scripts.local.cloud.iam_methods import find

RECORD_ENV = "LOCAL_IAM_RECORD"
UNCHECKED = frozenset({"operator"})
DOMAINS = {
    "storage": "storage.googleapis.com",
    "aiplatform": "aiplatform.googleapis.com",
    "bigquery": "bigquery.googleapis.com",
    "composer": "composer.googleapis.com",
    "airflow": "composer.googleapis.com",
}


class PermissionDenied(ApiError):
    """Google's 403: PERMISSION_DENIED with an ErrorInfo naming the permission (and Cloud Storage's `errors`)."""

    def __init__(self, service: str, email: str, permission: str, resource: str):
        domain = DOMAINS[service]
        if service == "storage":
            kind = "object" if "/objects/" in resource else "bucket"
            message = (
                f"{email} does not have {permission} access to the Google Cloud Storage {kind}. "
                f"Permission '{permission}' denied on resource (or it may not exist)."
            )
        else:
            message = f"Permission '{permission}' denied on resource '//{domain}/{resource}' (or it may not exist)."
        info = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "IAM_PERMISSION_DENIED",
            "domain": "iam.googleapis.com",
            "metadata": {"permission": permission, "resource": resource},
        }
        super().__init__(403, message, "PERMISSION_DENIED", [info])
        self.permission = permission

    def body(self) -> dict:
        body = super().body()
        body["error"]["errors"] = [{"message": self.message, "domain": "global", "reason": "forbidden"}]
        return body


class Unmapped(ApiError):
    def __init__(self, service: str, method: str, path: str):
        super().__init__(
            501,
            f"IAM front: no permission is mapped for {service} {method} {path}: add its row to "
            "scripts/local/cloud/iam_methods.py (with the permission Google's REST reference names)",
            "UNIMPLEMENTED",
        )


class IamFront:
    def __init__(
        self,
        policy: Policy,
        identity_of: Callable[[str], str | None],
        *,
        project: str,
        record: Path | None = None,
    ):
        self.policy = policy
        self.identity_of = identity_of
        self.project = project
        self.record = (
            record if record is not None else (Path(os.environ[RECORD_ENV]) if os.environ.get(RECORD_ENV) else None)
        )
        self.used: dict[str, set[str]] = {}
        self.calls: list[dict] = []
        self.denied: list[dict] = []
        self.unmapped: list[str] = []
        self._seen: set[tuple] = set()
        self._lock = threading.Lock()

    @classmethod
    def local(
        cls, identity_of: Callable[[str], str | None], bind: Mapping, *, run: str = "defaults", **kwargs
    ) -> IamFront:
        """A front over the committed snapshot of Terraform's grants (terraform/iam/applied.json)."""
        policy = Policy(load_snapshot()[run], bind)
        project = bind["project"] if isinstance(bind["project"], str) else sorted(bind["project"])[0]
        return cls(policy, identity_of, project=project, **kwargs)

    def email(self, identity: str) -> str:
        return f"genops-{identity}@{self.project}.iam.gserviceaccount.com"

    def check(
        self,
        service: str,
        request: Request,
        *,
        context: Mapping[str, str] | None = None,
        exists: Callable[[str], bool] | None = None,
    ) -> str | None:
        """Authorise one request; returns the caller's identity, raises PermissionDenied / Unmapped / 401."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        identity = self.identity_of(token) if scheme.lower() == "bearer" and token else None
        if identity is None:
            raise ApiError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED")
        found = find(service, request.method, request.path)
        if found is None:
            with self._lock:
                self.unmapped.append(f"{service} {request.method} {request.path}")
            raise Unmapped(service, request.method, request.path)
        method, values = found
        values = {"caller_project": self.project, **values, **(context or {})}
        if method.extras is not None:
            try:
                values.update(method.extras(request))
            except (ValueError, KeyError) as error:
                raise ApiError(400, f"{method.rest}: {error}") from None
        for check in method.checks:
            if check.only_if == "load" and not values.get("dtable"):
                continue
            try:
                resource = check.resource.format(**values)
            except KeyError as missing:
                raise ApiError(500, f"IAM front: {method.rest} has no value for {missing} in its resource") from None
            if check.only_if == "exists" and (exists is None or not exists(resource)):
                continue
            if identity not in UNCHECKED and not self.policy.allows(identity, check.permission, resource):
                with self._lock:
                    self.denied.append({"identity": identity, "permission": check.permission, "resource": resource})
                raise PermissionDenied(service, self.email(identity), check.permission, resource)
            self._note(identity, check.permission, service, method.rest, resource)
        return identity

    def _note(self, identity: str, permission: str, service: str, rest: str, resource: str) -> None:
        where = self.policy.unbind(resource)
        line = {"identity": identity, "permission": permission, "resource": where, "service": service, "method": rest}
        with self._lock:
            new = tuple(line.values()) not in self._seen
            self.used.setdefault(identity, set()).add(permission)
            if new:
                self._seen.add(tuple(line.values()))
                self.calls.append(line)
            if new and self.record is not None:
                with open(self.record, "a") as handle:
                    handle.write(json.dumps(line) + "\n")


def read_record(path: Path) -> list[dict]:
    """The distinct calls a LOCAL_IAM_RECORD file holds (identity, permission, resource, service, method)."""
    if not path.is_file():
        return []
    found = {line for line in path.read_text().splitlines() if line.strip()}
    return sorted((json.loads(line) for line in found), key=lambda e: tuple(e.values()))
