"""The common labels reach every resource that takes labels."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, locals_of, module_dirs

# The provider schema the offline Terraform kit serves (shared/ sits next to the repository).
SCHEMAS = sorted((REPO.parent / "shared" / "terraform-offline").glob("google-*.tfschema.json.gz"))


@pytest.fixture(scope="module")
def labelled_types() -> set[str]:
    if not SCHEMAS:
        pytest.skip("shared/terraform-offline provider schema not found: cannot tell which resources take labels")
    with gzip.open(SCHEMAS[-1], "rt") as handle:
        schema = json.load(handle)
    (provider,) = schema["provider_schemas"].values()
    return {
        name
        for name, resource in provider["resource_schemas"].items()
        if resource["block"].get("attributes", {}).get("labels", {}).get("optional")
    }


def test_common_labels_merge_caller_labels_with_app_label():
    labels = locals_of(TERRAFORM)["labels"]
    assert "var.labels" in labels, "local.labels must include the caller's var.labels"
    assert re.search(r'app\s*=\s*"genops"', labels), 'local.labels must set app = "genops"'
    assert labels.index("var.labels") < labels.index("app"), "the common labels must be merged last so they win"


@pytest.mark.parametrize("directory", module_dirs(), ids=lambda d: str(d.relative_to(REPO)))
def test_every_labelled_resource_gets_the_labels(directory, labelled_types):
    expected = "${local.labels}" if directory == TERRAFORM else "${var.labels}"
    for resource in blocks("resource", directory):
        if resource.labels[0] in labelled_types:
            assert resource.body.get("labels") == expected, f"{resource.where} must set labels = {expected[2:-1]}"


def test_every_module_that_takes_labels_receives_the_common_labels():
    takes_labels = {d.name for d in module_dirs()[1:] if any(v.labels == ("labels",) for v in blocks("variable", d))}
    calls = {c.body["source"].rsplit("/", 1)[-1]: c for c in blocks("module", TERRAFORM)}
    assert takes_labels, "no module takes labels: the loader is broken"
    for name in takes_labels:
        assert calls[name].body.get("labels") == "${local.labels}", f"module {name} must get labels = local.labels"
