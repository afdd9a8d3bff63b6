"""What a first `terraform apply` on a fresh project depends on, read from the HCL (python-hcl2).

Each `*_problems(root)` lists every way the tree at `root` breaks one rule: service agents created before
they are granted, every key grant in place before the resource that uses the key, APIs before resources,
triggers that fire and run as they should, Composer options and protections, organization-policy
friendliness. tests/terraform/test_platform.py runs them on the real tree and on broken copies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.terraform.hcl_tree import blocks, load, locals_of, strings, tf_files, variable_default

# The service agents Google's Composer 3 CMEK page lists ("Grant roles to service agents",
# https://cloud.google.com/composer/docs/composer-3/configure-cmek-encryption), plus BigQuery's for the dataset.
COMPOSER_CMEK_AGENTS = {"composer", "artifactregistry", "compute", "container", "pubsub", "storage"}
CMEK_AGENTS = COMPOSER_CMEK_AGENTS | {"bigquery"}
# Options Composer blocks as overrides
# (https://cloud.google.com/composer/docs/composer-3/override-airflow-configurations, blocked options).
BLOCKED_AIRFLOW_OPTIONS = {
    "core-dags_folder", "core-executor", "core-plugins_folder", "core-sql_alchemy_conn", "database-sql_alchemy_conn",
    "celery-broker_url", "celery-result_backend", "logging-base_log_folder", "logging-remote_logging",
    "logging-remote_base_log_folder", "logging-remote_log_conn_id",
}  # fmt: skip
# A service agent address written by hand instead of read from the resource that created it.
HAND_BUILT_AGENT = re.compile(r"service-\$\{|@(gcp-sa-[a-z-]+|cloudcomposer-accounts|gs-project-accounts)\.iam")
# Members that domain-restricted sharing (iam.allowedPolicyMemberDomains) rejects or that are public.
FOREIGN_MEMBER = re.compile(r"^(group|domain|user):|^all(Authenticated)?Users$")
BRANCHES_THAT_MUST_NOT_DEPLOY = ["feature/x", "main-old", "my-main", "dependabot/pip/x"]


def _tf(root: Path, module: str = "") -> Path:
    return root / "terraform" / module if module else root / "terraform"


def _one(root: Path, kind: str, labels: tuple[str, ...], module: str = "") -> dict[str, Any]:
    found = [b.body for b in blocks(kind, _tf(root, module)) if b.labels == labels]
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {' '.join(labels)} in terraform/{module}, found {len(found)}")
    return found[0]


def _all_dirs(root: Path) -> list[Path]:
    return [_tf(root), *sorted(p for p in (_tf(root) / "modules").iterdir() if p.is_dir())]


# --- 1, 2: service agents are created, then granted; nothing is granted to the wrong agent -----------------------


def service_agent_problems(root: Path) -> list[str]:
    problems = []
    for directory in _all_dirs(root):
        for path in tf_files(directory):
            parsed = load(path)
            for kind in ("resource", "data", "module", "locals", "output"):
                for text in strings(parsed.get(kind, [])):
                    if HAND_BUILT_AGENT.search(text):
                        problems.append(
                            f"{path.relative_to(root)} builds a service agent address by hand ({text[:80]!r}): "
                            "grant the member of the google_project_service_identity (or data source) that creates it"
                        )
    agents = _one(root, "output", ("service_agents",), "modules/project_services")["value"]
    if "google_project_service_identity.this" not in agents:
        problems.append(f"modules/project_services output service_agents is {agents!r}, not the created identities")
    calls = {b.labels[0]: b.body for b in blocks("module", _tf(root))}
    agent_inputs = {
        "service_accounts.composer_service_agent": calls["service_accounts"].get("composer_service_agent"),
        "composer.composer_service_agent": calls["composer"].get("composer_service_agent"),
    }
    for where, value in agent_inputs.items():
        if value != '${module.project_services.service_agents["composer"]}':
            problems.append(f"module.{where} is {value!r}; it must be the created Composer agent")
    for text in strings([b.body for b in blocks("module", _tf(root))]):
        if "aiplatform" in text and "service_agents" in text:
            problems.append(
                f"a module gets the Vertex AI service agent ({text!r}): Gemini tuning jobs run as the tuning agent "
                "(gcp-sa-vertex-tune), whose own role already reads the project's buckets"
            )
    return problems


# --- 3, CMEK: every agent that encrypts has the key, and every keyed resource waits for its grant ------------------


def cmek_problems(root: Path) -> list[str]:
    problems = []
    root_locals = locals_of(_tf(root))
    listed = set(re.findall(r"\b([a-z]+)\s*=\s*\"[a-z]+\.googleapis\.com\"", str(root_locals["cmek_service_agents"])))
    listed |= set(
        re.findall(
            r"\b([a-z]+)\s*=\s*\"",
            _one(root, "resource", ("google_project_service_identity", "this"), "modules/project_services")["for_each"],
        )
    )
    grant = _one(root, "resource", ("google_kms_crypto_key_iam_member", "agents"), "modules/cmek")
    listed |= set(re.findall(r'"([a-z]+)"', grant["for_each"]))
    if "keys(var.service_agents)" not in grant["for_each"]:
        listed -= {"composer", "artifactregistry", "compute", "container", "pubsub"}
    for missing in sorted(CMEK_AGENTS - listed):
        problems.append(f"with CMEK, the {missing} service agent is never granted the key")
    calls = {b.labels[0]: b.body for b in blocks("module", _tf(root))}
    if calls["cmek"].get("service_agents", "").find("module.project_services.service_agents") < 0:
        problems.append(
            f"module.cmek service_agents is {calls['cmek'].get('service_agents')!r}, not the created agents"
        )
    for name in ("storage", "bigquery", "composer"):
        if calls[name].get("kms_key_name") != "${module.cmek.kms_key_name}":
            problems.append(
                f"module.{name} kms_key_name is {calls[name].get('kms_key_name')!r}: it must be "
                "module.cmek.kms_key_name, which waits for the key grants"
            )
    output = _one(root, "output", ("kms_key_name",), "modules/cmek")
    if output.get("depends_on") != ["${google_kms_crypto_key_iam_member.agents}"]:
        problems.append("modules/cmek output kms_key_name must depend on the key grants")
    return problems


# --- APIs first: every module and root resource gets the project from project_services ----------------------------


def ordering_problems(root: Path) -> list[str]:
    problems = []
    for block in blocks("module", _tf(root)):
        project = block.body.get("project_id")
        if block.labels[0] != "project_services" and project != "${module.project_services.project_id}":
            problems.append(
                f"module.{block.labels[0]} project_id is {project!r}: it must be module.project_services.project_id, "
                "which waits for the APIs"
            )
    for block in blocks("resource", _tf(root)):
        project = block.body.get("project")
        if project is not None and project != "${module.project_services.project_id}":
            problems.append(f"terraform {' '.join(block.labels)} project is {project!r}: it must wait for the APIs")
    output = _one(root, "output", ("project_id",), "modules/project_services")
    if output.get("depends_on") != ["${google_project_service.this}"]:
        problems.append("modules/project_services output project_id must depend on the enabled APIs")
    identity = _one(root, "resource", ("google_project_service_identity", "this"), "modules/project_services")
    if identity.get("depends_on") != ["${google_project_service.this}"]:
        problems.append("google_project_service_identity must wait for the APIs it creates agents of")
    composer = {b.labels[0]: b.body for b in blocks("module", _tf(root))}["composer"]
    if composer.get("service_account_email") != '${time_sleep.composer_iam.triggers["service_account_email"]}':
        problems.append("module.composer must get its account through time_sleep.composer_iam (after its grants)")
    wait = _one(root, "resource", ("time_sleep", "composer_iam"))
    if "${google_project_iam_member.identities}" not in wait.get("depends_on", []):
        problems.append("time_sleep.composer_iam must wait for the project grants")
    return problems


# --- 5, 6: triggers ------------------------------------------------------------------------------------------------


def trigger_problems(root: Path) -> list[str]:
    problems = []
    call = {b.labels[0]: b.body for b in blocks("module", _tf(root))}["cloudbuild"]
    accounts = call.get("service_accounts")
    if accounts != {
        "test": '${module.service_accounts.ids["test"]}',
        "deploy": '${module.service_accounts.ids["deploy"]}',
    }:
        problems.append(
            f"module.cloudbuild service_accounts is {accounts!r}: the test and deploy triggers need the full ids "
            "(projects/<p>/serviceAccounts/<email>) of the test and deploy accounts"
        )
    refs = {"default": variable_default("cloudbuild_deploy", _tf(root)) or {}}
    for path in sorted((_tf(root) / "environments").glob("*.tfvars")):
        refs[path.name] = load(path).get("cloudbuild_deploy", refs["default"])
    for where, deploy in refs.items():
        for kind in ("branch", "tag"):
            pattern = deploy.get(kind)
            if pattern is None:
                continue
            hits = [b for b in BRANCHES_THAT_MUST_NOT_DEPLOY if re.search(pattern, b)]
            if hits:
                problems.append(f"{where}: the deploy trigger's {kind} regex {pattern!r} also fires on {hits}")
    return problems


# --- 8, 9, blocked options, private environment: Composer --------------------------------------------------------


def composer_problems(root: Path) -> list[str]:
    problems = []
    environment = _one(root, "resource", ("google_composer_environment", "this"), "modules/composer")
    module_locals = locals_of(_tf(root, "modules/composer"))
    platform = set(module_locals["platform_airflow_config"])
    for option in sorted(platform & BLOCKED_AIRFLOW_OPTIONS):
        problems.append(f"modules/composer sets {option}, an option Composer blocks: the environment cannot be created")
    blocked = set(module_locals["blocked_airflow_config"])
    for option in sorted(BLOCKED_AIRFLOW_OPTIONS - blocked):
        problems.append(f"modules/composer does not reject overrides of the blocked option {option}")
    conditions = " ".join(p["condition"] for p in environment.get("lifecycle", [{}])[0].get("precondition", []))
    if "local.composer_3_versions" not in conditions or "image_versions" not in str(
        module_locals.get("composer_3_versions")
    ):
        problems.append(
            "the Composer image version is not checked against data.google_composer_image_versions at plan time"
        )
    if "local.blocked_airflow_config" not in conditions:
        problems.append("Composer-blocked Airflow overrides are not rejected at plan time")
    if variable_default("composer_enable_private_environment", _tf(root)) is not True:
        problems.append("composer_enable_private_environment must default to true")
    if "var.deletion_policy" not in str(environment.get("deletion_policy")):
        problems.append("the environment's deletion_policy is not wired to an input")
    prod = load(_tf(root) / "environments" / "prod.tfvars")
    if (
        variable_default("composer_deletion_policy", _tf(root)) != "PREVENT"
        or prod.get("composer_deletion_policy") != "PREVENT"
    ):
        problems.append("composer_deletion_policy must default to PREVENT and prod.tfvars must keep PREVENT")
    return problems


# --- 7, 8: organization policies and production data ------------------------------------------------------------------


def org_policy_problems(root: Path) -> list[str]:
    problems = []
    for directory in _all_dirs(root):
        for block in blocks("resource", directory):
            member = block.body.get("member")
            opt_in = "usage_logs" in str(block.body.get("count", ""))
            if isinstance(member, str) and FOREIGN_MEMBER.search(member) and not opt_in:
                problems.append(
                    f"{block.path.relative_to(root)} {' '.join(block.labels)} grants {member}, which "
                    "domain-restricted sharing (iam.allowedPolicyMemberDomains) rejects: make it opt-in"
                )
    if variable_default("storage_usage_logs", _tf(root)) is not False:
        problems.append("storage_usage_logs (grants group:cloud-storage-analytics@google.com) must default to false")
    for directory in _all_dirs(root):
        for block in blocks("resource", directory):
            if block.labels[0] in (
                "google_bigquery_dataset_iam_member",
                "google_project_iam_member",
            ) and "bigquery.data" in str(block.body.get("role")):
                problems.append(
                    f"{block.path.relative_to(root)} {' '.join(block.labels)} grants a BigQuery data role that can "
                    "delete every table of the dataset"
                )
    return problems
