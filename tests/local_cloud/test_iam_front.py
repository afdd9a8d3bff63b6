"""The IAM front of the stand-ins: one token per identity, Google's 403 naming the permission, conditions on
the resource name, an overwrite needing delete, and a loud refusal of any request the table does not map."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from scripts.iam.policy import predefined_roles
from scripts.local.cloud.credentials import LocalCredentials
from scripts.local.cloud.gcs import GcsEmulator
from scripts.local.cloud.iam_front import IamFront
from scripts.local.cloud.iam_methods import METHODS
from scripts.local.cloud.vertex import VertexStandIn

PROJECT, DATA, DAGS, DATASET = "iam-test", "iam-test-data", "us-central1-iam-test-bucket", "genops"


@pytest.fixture
def front() -> tuple[IamFront, LocalCredentials]:
    credentials = LocalCredentials(PROJECT)
    bind = {"project": PROJECT, "data_bucket": DATA, "dags_bucket": DAGS, "dataset": DATASET}
    return IamFront.local(credentials.identity, bind), credentials


@pytest.fixture
def storage(front, tmp_path):
    iam, _ = front
    emulator = GcsEmulator(tmp_path / "gcs", tmp_path / "gcs.log", iam=iam).start()
    for bucket in (DATA, DAGS):
        emulator.create_bucket(bucket, PROJECT)
    emulator.put(DAGS, "dags/a.py", b"a")
    yield emulator
    emulator.stop()


def call(url: str, method: str, token: str | None, body: bytes | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            payload = answer.read()
            return answer.status, json.loads(payload) if payload else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_each_identity_gets_its_own_token(front):
    _, credentials = front
    tokens = {identity: credentials.issue(identity) for identity in ("composer", "deploy", "test")}
    assert {credentials.identity(t) for t in tokens.values()} == {"composer", "deploy", "test"}
    assert credentials.identity("ya29.someone-else") is None
    with pytest.raises(ValueError, match="unknown identity"):
        credentials.issue("owner")


def test_a_missing_permission_is_googles_403_naming_it(front, storage):
    iam, credentials = front
    deploy = credentials.issue("deploy")
    url = f"{storage.shim.url}/storage/v1/b/{DATA}/o"
    status, body = call(url, "GET", deploy)
    assert status == 403 and body["error"]["status"] == "PERMISSION_DENIED"
    assert "storage.objects.list" in body["error"]["message"]
    assert body["error"]["details"][0]["metadata"]["permission"] == "storage.objects.list"
    assert iam.denied == [
        {"identity": "deploy", "permission": "storage.objects.list", "resource": f"projects/_/buckets/{DATA}"}
    ]


def test_the_deploy_condition_is_evaluated_on_the_object_name(front, storage):
    iam, credentials = front
    deploy = credentials.issue("deploy")
    base = f"{storage.shim.url}/storage/v1/b/{DAGS}/o"
    assert call(f"{base}/dags%2Fa.py", "GET", deploy)[0] == 200
    assert call(f"{base}/plugins%2Fa.py", "GET", deploy)[0] == 403
    assert call(f"{base}/dags%2Fa.py", "PATCH", deploy, b'{"metadata": {"k": "v"}}')[0] == 200
    assert iam.used["deploy"] == {"storage.objects.get", "storage.objects.update"}


def test_an_overwrite_needs_delete_too(front, storage):
    iam, credentials = front
    test = credentials.issue("test")
    composer = credentials.issue("composer")
    upload = f"{storage.shim.url}/upload/storage/v1/b/{DATA}/o?uploadType=media&name=reports%2Fr.jsonl"
    assert call(upload, "POST", composer, b"{}")[0] == 200
    assert call(upload, "POST", composer, b"{}")[0] == 200  # again: objectAdmin holds delete
    assert [c["permission"] for c in iam.calls if c["identity"] == "composer"][-1] == "storage.objects.delete"
    status, body = call(upload, "POST", test, b"{}")
    assert status == 403 and "storage.objects.create" in body["error"]["message"]


def test_an_unknown_token_is_401_and_an_unmapped_route_fails_loudly(front, storage):
    iam, credentials = front
    assert call(f"{storage.shim.url}/storage/v1/b/{DATA}/o", "GET", "ya29.forged")[0] == 401
    status, body = call(f"{storage.shim.url}/storage/v1/b/{DATA}/o/x/compose", "POST", credentials.issue("composer"))
    assert status == 501 and "iam_methods.py" in body["error"]["message"]
    assert iam.unmapped == [f"storage POST /storage/v1/b/{DATA}/o/x/compose"]


def test_vertex_ai_refuses_the_pull_request_account(front):
    iam, credentials = front
    with VertexStandIn(iam=iam) as vertex:
        url = f"{vertex.url}/v1/projects/{PROJECT}/locations/us-central1/publishers/google/models/x:countTokens"
        status, body = call(url, "POST", credentials.issue("test"), b'{"contents": []}')
    assert status == 403
    assert body["error"]["message"].startswith("Permission 'aiplatform.endpoints.predict' denied on resource")


def test_every_permission_the_table_enforces_exists_in_the_role_data():
    """A misspelt permission in the table would deny every caller: each must be one some predefined role has."""
    known = frozenset().union(*predefined_roles().values())
    enforced = {check.permission for method in METHODS for check in method.checks}
    assert enforced - known == set()
    assert all(method.source.startswith("https://cloud.google.com/") for method in METHODS)
