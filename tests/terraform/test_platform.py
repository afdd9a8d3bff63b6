"""A first apply on a fresh project and the production protections: the real tree keeps every rule (the
identities' IAM is proven on the applied grants in tests/terraform/test_iam_proof.py), and each breakage below
(of the apply order, the wiring, the keys and the protections), made again in a scratch copy with
tests/test_contract.py's `tree` fixture and `edit`, is reported."""

from __future__ import annotations

import pytest

from tests.terraform import platform_checks
from tests.terraform.hcl_tree import REPO
from tests.test_contract import edit, scratch_copy

CHECKS = {
    "service_agents": platform_checks.service_agent_problems,
    "cmek": platform_checks.cmek_problems,
    "ordering": platform_checks.ordering_problems,
    "triggers": platform_checks.trigger_problems,
    "composer": platform_checks.composer_problems,
    "org_policy": platform_checks.org_policy_problems,
}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_tree_keeps_every_rule(check):
    problems = CHECKS[check](REPO)
    assert not problems, "\n".join(problems)


MAIN = "terraform/main.tf"
SERVICES = "terraform/modules/project_services/main.tf"
COMPOSER = "terraform/modules/composer/main.tf"
# (what breaks, file, text, replacement, check, a fragment of the problem it must report)
BREAKAGES = [
    # Apply order and wiring.
    (
        "storage no longer waits for API enablement",
        MAIN,
        "  project_id       = module.project_services.project_id\n  location         = var.region",
        "  project_id       = var.project_id\n  location         = var.region",
        "ordering",
        "module.storage project_id is '${var.project_id}'",
    ),
    (
        "trigger service_account as a bare email",
        MAIN,
        'deploy = module.service_accounts.ids["deploy"]',
        'deploy = module.service_accounts.emails["deploy"]',
        "triggers",
        "need the full ids",
    ),
    (
        "deploy trigger firing on every branch",
        "terraform/variables_cloudbuild.tf",
        'default     = { branch = "^main$" }',
        'default     = { branch = ".*" }',
        "triggers",
        "default: the deploy trigger's branch regex '.*' also fires on ['feature/x', 'main-old'",
    ),
    (
        "deploy trigger on every branch whose name contains main",
        "terraform/environments/dev.tfvars",
        'cloudbuild_deploy = { branch = "^main$" }',
        'cloudbuild_deploy = { branch = "main" }',
        "triggers",
        "dev.tfvars: the deploy trigger's branch regex 'main' also fires on ['main-old', 'my-main']",
    ),
    (
        "a Composer-blocked Airflow override",
        COMPOSER,
        '    "scheduler-catchup_by_default"             = "False"',
        '    "scheduler-catchup_by_default"             = "False"\n    "core-executor" = "LocalExecutor"',
        "composer",
        "modules/composer sets core-executor, an option Composer blocks",
    ),
    (
        "CMEK ordering removed",
        MAIN,
        "  kms_key_name               = module.cmek.kms_key_name",
        "  kms_key_name               = var.kms_key_name",
        "cmek",
        "module.composer kms_key_name is '${var.kms_key_name}'",
    ),
    (
        "private environment off",
        "terraform/variables_composer.tf",
        '(Composer 3 `enable_private_environment`)."\n  default     = true',
        '(Composer 3 `enable_private_environment`)."\n  default     = false',
        "composer",
        "composer_enable_private_environment must default to true",
    ),
    # Service agents, grants, keys, builds and protections.
    (
        "a service agent granted by a hand-built address",
        MAIN,
        '  composer_service_agent = module.project_services.service_agents["composer"]\n}',
        '  composer_service_agent = "serviceAccount:service-${local.n}@cloudcomposer-accounts.iam"\n}',
        "service_agents",
        "terraform/main.tf builds a service agent address by hand",
    ),
    (
        "service agents no longer created",
        "terraform/modules/project_services/outputs.tf",
        "value       = { for k, agent in google_project_service_identity.this : k => agent.member }",
        'value       = { composer = "serviceAccount:service-${var.number}@cloudcomposer-accounts.iam" }',
        "service_agents",
        "output service_agents is",
    ),
    (
        "the training data granted to the Vertex AI agent",
        MAIN,
        "  usage_logs       = var.storage_usage_logs\n",
        "  usage_logs       = var.storage_usage_logs\n"
        '  readers          = [module.project_services.service_agents["aiplatform"]]\n',
        "service_agents",
        "Gemini tuning jobs run as the tuning agent",
    ),
    (
        "the Composer agent never gets the key",
        "terraform/modules/cmek/main.tf",
        'toset(concat(["storage", "bigquery"], keys(var.service_agents)))',
        'toset(["storage", "bigquery"])',
        "cmek",
        "with CMEK, the composer service agent is never granted the key",
    ),
    (
        "an agent the Composer CMEK page lists is left out",
        "terraform/locals.tf",
        '    pubsub           = "pubsub.googleapis.com"\n',
        "",
        "cmek",
        "with CMEK, the pubsub service agent is never granted the key",
    ),
    (
        "the usage-log group granted unconditionally",
        "terraform/modules/storage/main.tf",
        'resource "google_storage_bucket_iam_member" "log_writer" {\n  count = var.usage_logs ? 1 : 0\n',
        'resource "google_storage_bucket_iam_member" "log_writer" {\n',
        "org_policy",
        "grants group:cloud-storage-analytics@google.com, which domain-restricted sharing",
    ),
    (
        "nothing keeps Terraform from destroying the environment",
        COMPOSER,
        '  deletion_policy = var.deletion_policy == "PREVENT" ? "PREVENT" : null\n',
        "",
        "composer",
        "deletion_policy is not wired to an input",
    ),
    (
        "the image version is only a string again",
        COMPOSER,
        "      condition     = contains(local.composer_3_versions, var.image_version)",
        '      condition     = var.image_version != ""',
        "composer",
        "not checked against data.google_composer_image_versions",
    ),
]


@pytest.fixture
def scratch_tree(tmp_path):
    return scratch_copy(tmp_path)


@pytest.mark.parametrize(
    ("relative", "old", "new", "check", "expected"), [b[1:] for b in BREAKAGES], ids=[b[0] for b in BREAKAGES]
)
def test_each_breakage_of_issue_10_is_caught(scratch_tree, relative, old, new, check, expected):
    assert not [p for p in CHECKS[check](scratch_tree) if expected in p], "the copy reports this before it is broken"
    edit(scratch_tree, relative, old, new)
    problems = CHECKS[check](scratch_tree)
    assert [p for p in problems if expected in p], "\n".join(problems) or "no problem reported"
