"""scripts/terraform/bootstrap_state_bucket.sh: the state bucket in a separate admin project, with a CMEK key."""

from __future__ import annotations

import subprocess

from tests.terraform.hcl_tree import REPO

SCRIPT = REPO / "scripts" / "terraform" / "bootstrap_state_bucket.sh"
KEY = "projects/acme-kms/locations/us-central1/keyRings/terraform/cryptoKeys/state"


def bootstrap(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), "--dry-run", *args], capture_output=True, text=True, timeout=30, check=False
    )


def commands(result: subprocess.CompletedProcess) -> list[str]:
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]


def test_admin_project_with_a_customer_managed_key():
    result = bootstrap("--workload-project", "acme-genops-prod", "--kms-key", KEY, "acme-genops-admin", "acme-tfstate")
    assert result.returncode == 0, result.stderr
    authorize, create, update = commands(result)
    assert authorize == f"gcloud storage service-agent --project=acme-genops-admin --authorize-cmek={KEY}"
    for command in (create, update):
        assert "gs://acme-tfstate --project=acme-genops-admin" in command
        assert f"--default-encryption-key={KEY}" in command
    assert "--versioning" in update and "--public-access-prevention" in create


def test_state_in_the_workload_project_is_refused():
    result = bootstrap("--workload-project", "acme-genops-prod", "acme-genops-prod", "acme-tfstate")
    assert result.returncode == 2 and commands(result) == []
    assert "could rewrite the state" in result.stderr
    allowed = bootstrap("--allow-same-project", "--workload-project", "acme-genops-dev", "acme-genops-dev", "dev-state")
    assert allowed.returncode == 0, allowed.stderr


def test_a_key_outside_the_bucket_location_is_refused():
    result = bootstrap("--kms-key", KEY.replace("us-central1", "europe-west4"), "acme-genops-admin", "acme-tfstate")
    assert result.returncode == 2 and "needs a key in the bucket's location" in result.stderr
    assert commands(result) == []


def test_without_a_key_the_bucket_uses_google_managed_encryption():
    result = bootstrap("acme-genops-admin", "acme-tfstate", "us-central1")
    assert result.returncode == 0, result.stderr
    assert len(commands(result)) == 2 and "encryption" not in result.stdout
