"""Resources that became entries of one for_each definition keep their state: a `moved` block takes each former
address to its entry, and every entry it names exists, so an apply after the change recreates nothing."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl_tree import TERRAFORM, blocks, load, locals_of

MONITORING = TERRAFORM / "modules" / "monitoring"
BIGQUERY = TERRAFORM / "modules" / "bigquery"

# The resources each definition replaced: (directory of the moved blocks, former address -> new address).
FORMER_ALERT_POLICIES = [
    "environment_unhealthy",
    "dag_runs_failing",
    "dag_parse_errors",
    "dag_processor_behind",
    "heartbeat_missing",
    "tuning_job_failed",
    "token_spend",
    "deploy_build_failed",
]


def moves(directory) -> dict[str, str]:
    found = {}
    for path in sorted(directory.glob("*.tf")):
        for block in load(path).get("moved", []):
            found[block["from"].strip("${}")] = block["to"].strip("${}")
    return found


def instance_key(address: str, resource: str) -> str:
    match = re.fullmatch(re.escape(resource) + r'\["([^"]+)"\]', address)
    assert match, f"{address} is not an instance of {resource}"
    return match.group(1)


def test_each_former_alert_policy_moves_to_its_entry():
    policies = locals_of(MONITORING)["alert_policies"]
    moved = moves(MONITORING)
    assert moved == {
        f"google_monitoring_alert_policy.{key}": f'google_monitoring_alert_policy.this["{key}"]'
        for key in FORMER_ALERT_POLICIES
    }
    assert set(FORMER_ALERT_POLICIES) <= set(policies)
    (resource,) = [b for b in blocks("resource", MONITORING) if b.labels[0] == "google_monitoring_alert_policy"]
    assert resource.labels == ("google_monitoring_alert_policy", "this")
    assert resource.body["for_each"] == "${local.alert_policies}"


def test_the_platforms_tables_and_views_move_to_their_entries():
    moved = moves(BIGQUERY)
    assert moved == {
        "google_bigquery_table.evaluations": 'google_bigquery_table.tables["evaluations"]',
        "google_bigquery_table.usage": 'google_bigquery_table.tables["usage"]',
        "google_bigquery_table.latest_scores": 'google_bigquery_table.views["latest_scores"]',
        "google_bigquery_table.usage_daily": 'google_bigquery_table.views["usage_daily"]',
    }
    assert set(locals_of(BIGQUERY)["platform_tables"]) == {"evaluations", "usage"}
    assert set(locals_of(BIGQUERY)["views"]) == {"latest_scores", "usage_daily"}


@pytest.mark.parametrize("key", sorted(locals_of(TERRAFORM)["sample_tables"]))
def test_each_sample_table_the_root_defines_moves_to_its_entry(key):
    moved = moves(TERRAFORM)
    former = f'module.bigquery.google_bigquery_table.samples["{key}"]'
    assert moved.get(former) == f'module.bigquery.google_bigquery_table.tables["{key}"]'
    assert instance_key(moved[former], "module.bigquery.google_bigquery_table.tables") == key
