"""The IAM grants Terraform applies, read from the state of a mocked apply (not from the HCL's locals).

`terraform test -verbose -json -filter=tests/iam_applied.tftest.hcl` applies the blueprint on mocked providers
and prints each run's resulting state. Every IAM resource in it is read here, whatever file or module declares
it: `google_*_iam_member` (member, role, resource, condition), custom roles (`google_project_iam_custom_role`:
name and permissions), and any authoritative `_iam_binding` / `_iam_policy`, which the proof refuses.

The result is normalised: the run's project, buckets, dataset and account e-mails become placeholders
(`{project}`, `{data_bucket}`, `{dags_bucket}`, `{dataset}`; members of the blueprint's own accounts become
`composer`, `deploy`, `test`), so that the local front can bind them to the stand-ins' names.

    python -m scripts.iam.applied [--terraform DIR] [--write terraform/iam/applied.json]

writes the snapshot the local front uses (tests/terraform/test_iam_applied.py keeps it equal to Terraform's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
SNAPSHOT = TERRAFORM / "iam" / "applied.json"
TEST_FILE = "tests/iam_applied.tftest.hcl"
OFFLINE_KIT = REPO.parent / "shared" / "terraform-offline" / "activate"
IDENTITIES = ("composer", "deploy", "test")


class TerraformMissing(RuntimeError):
    """terraform (or the offline provider kit it needs here) is not available."""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if shutil.which("terraform") is None:
        raise TerraformMissing("terraform is not on PATH: install Terraform >= 1.9 to read the applied IAM")
    if not Path(env.get("TF_CLI_CONFIG_FILE") or "/nonexistent").is_file() and OFFLINE_KIT.is_file():
        exports = subprocess.run([str(OFFLINE_KIT)], capture_output=True, text=True, check=True).stdout
        for line in exports.splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            if name and value:
                env[name] = value.strip("'\"")
    return env


def states(terraform_dir: Path = TERRAFORM) -> dict[str, dict]:
    """Each run of tests/iam_applied.tftest.hcl -> its state (`terraform show -json` shape)."""
    env = _environment()
    if not (terraform_dir / ".terraform.lock.hcl").is_file():
        init = subprocess.run(
            ["terraform", f"-chdir={terraform_dir}", "init", "-backend=false", "-input=false", "-no-color"],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        if init.returncode:
            raise RuntimeError(f"terraform init failed in {terraform_dir}:\n{init.stdout}\n{init.stderr}")
    done = subprocess.run(
        ["terraform", f"-chdir={terraform_dir}", "test", f"-filter={TEST_FILE}", "-verbose", "-json", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    found, errors = {}, []
    for line in done.stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") == "test_state":
            found[event["@testrun"]] = event["test_state"]
        elif event.get("@level") == "error":
            errors.append(event.get("@message", ""))
    if done.returncode or not found:
        raise RuntimeError(
            f"terraform test {TEST_FILE} failed in {terraform_dir}:\n" + "\n".join(errors) + done.stderr[-4000:]
        )
    return found


def _resources(module: dict):
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def _resource_name(kind: str, values: dict) -> str:
    """The IAM resource name a grant is made on (what IAM conditions see as resource.name)."""
    if kind == "google_project_iam_member":
        return f"projects/{values['project']}"
    if kind == "google_storage_bucket_iam_member":
        return f"projects/_/buckets/{values['bucket'].removeprefix('b/')}"
    if kind == "google_bigquery_table_iam_member":
        return f"projects/{values['project']}/datasets/{values['dataset_id']}/tables/{values['table_id']}"
    if kind == "google_bigquery_dataset_iam_member":
        return f"projects/{values['project']}/datasets/{values['dataset_id']}"
    if kind == "google_service_account_iam_member":
        return values["service_account_id"]
    if kind == "google_kms_crypto_key_iam_member":
        return values["crypto_key_id"]
    for key in ("name", "secret_id", "topic", "subscription", "repository", "instance_name", "id"):
        if key in values and isinstance(values[key], str):
            return f"{kind}:{values[key]}"
    return f"{kind}:?"


def normalise(state: dict) -> dict:
    """Grants and custom roles of one state, with the run's names replaced by placeholders."""
    outputs = {k: v["value"] for k, v in state.get("outputs", {}).items()}
    names = {
        outputs["data_bucket"]: "{data_bucket}",
        outputs["dag_gcs_prefix"].removeprefix("gs://").split("/")[0]: "{dags_bucket}",
        outputs["bigquery_dataset_id"]: "{dataset}",
    }
    emails = outputs["service_accounts"]
    members = {f"serviceAccount:{email}": identity for identity, email in emails.items()}
    project = next(iter(emails.values())).split("@")[1].split(".")[0]
    names[project] = "{project}"
    names.pop(None, None)

    def placeholders(text: str) -> str:
        for literal, placeholder in sorted(names.items(), key=lambda item: -len(item[0])):
            text = re.sub(rf"(?<![\w-]){re.escape(literal)}(?![\w-])", placeholder, text)
        return text

    grants, custom_roles, authoritative = [], {}, []
    for resource in _resources(state["root_module"]):
        kind, values = resource["type"], resource.get("values") or {}
        if kind == "google_project_iam_custom_role":
            custom_roles[placeholders(values["name"])] = sorted(values["permissions"])
        elif kind.endswith(("_iam_binding", "_iam_policy")):
            authoritative.append(resource["address"])
        elif kind.endswith("_iam_member"):
            condition = (values.get("condition") or [None])[0]
            grants.append(
                {
                    "address": resource["address"],
                    "member": members.get(values["member"], placeholders(values["member"])),
                    "resource": placeholders(_resource_name(kind, values)),
                    "role": placeholders(values["role"]),
                    "condition": placeholders(condition["expression"]) if condition else None,
                }
            )
    grants.sort(key=lambda g: g["address"])
    return {"grants": grants, "custom_roles": dict(sorted(custom_roles.items())), "authoritative": authoritative}


def applied(terraform_dir: Path = TERRAFORM) -> dict[str, dict]:
    """Run name -> normalised grants, straight from Terraform."""
    return {run: normalise(state) for run, state in states(terraform_dir).items()}


def snapshot_text(runs: dict[str, dict]) -> str:
    return json.dumps({"source": f"terraform/{TEST_FILE} (scripts/iam/applied.py)", "runs": runs}, indent=1) + "\n"


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, dict]:
    return json.loads(path.read_text())["runs"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terraform", type=Path, default=TERRAFORM)
    parser.add_argument("--write", type=Path, help="write the snapshot here (else print it)")
    args = parser.parse_args(argv)
    text = snapshot_text(applied(args.terraform))
    if args.write:
        args.write.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
