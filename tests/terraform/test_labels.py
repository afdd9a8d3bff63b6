"""The common labels reach every resource that takes labels."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, locals_of, module_dirs

# The provider schema the offline Terraform kit serves (shared/ sits next to the repository).
SCHEMAS = sorted((REPO.parent / "shared" / "terraform-offline").glob("google-*.tfschema.json.gz"))


# Resources whose `labels` attribute is configuration (a notification channel's email address, topic or
# URL), not resource labels: their resource labels are `user_labels`.
LABELS_ARE_SETTINGS = {"google_monitoring_notification_channel"}


@pytest.fixture(scope="module")
def labelled_types() -> dict[str, str]:
    """Resource type -> the attribute that holds its resource labels (labels, or user_labels)."""
    if not SCHEMAS:
        pytest.skip("shared/terraform-offline provider schema not found: cannot tell which resources take labels")
    with gzip.open(SCHEMAS[-1], "rt") as handle:
        schema = json.load(handle)
    (provider,) = schema["provider_schemas"].values()
    found = {}
    for name, resource in provider["resource_schemas"].items():
        attributes = resource["block"].get("attributes", {})
        if attributes.get("labels", {}).get("optional") and name not in LABELS_ARE_SETTINGS:
            found[name] = "labels"
        elif attributes.get("user_labels", {}).get("optional"):
            found[name] = "user_labels"
    return found


def test_common_labels_merge_caller_labels_with_app_label():
    labels = locals_of(TERRAFORM)["labels"]
    assert "var.labels" in labels, "local.labels must include the caller's var.labels"
    assert re.search(r'app\s*=\s*"genops"', labels), 'local.labels must set app = "genops"'
    assert labels.index("var.labels") < labels.index("app"), "the common labels must be merged last so they win"


@pytest.mark.parametrize("directory", module_dirs(), ids=lambda d: str(d.relative_to(REPO)))
def test_every_labelled_resource_gets_the_labels(directory, labelled_types):
    expected = "${local.labels}" if directory == TERRAFORM else "${var.labels}"
    for resource in blocks("resource", directory):
        attribute = labelled_types.get(resource.labels[0])
        if attribute:
            assert resource.body.get(attribute) == expected, f"{resource.where} must set {attribute} = {expected[2:-1]}"


def test_every_module_that_takes_labels_receives_the_common_labels():
    takes_labels = {d.name for d in module_dirs()[1:] if any(v.labels == ("labels",) for v in blocks("variable", d))}
    calls = {c.body["source"].rsplit("/", 1)[-1]: c for c in blocks("module", TERRAFORM)}
    assert takes_labels, "no module takes labels: the loader is broken"
    for name in takes_labels:
        assert calls[name].body.get("labels") == "${local.labels}", f"module {name} must get labels = local.labels"
