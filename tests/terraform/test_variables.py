"""Every input of the blueprint and its modules is typed and described."""

from __future__ import annotations

import pytest

from tests.terraform.hcl_tree import TERRAFORM, blocks, load

VARIABLES = blocks("variable")


def test_variables_were_found():
    assert len(VARIABLES) > 40, "the HCL loader found too few variables: is terraform/ readable?"


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda b: b.where)
def test_variable_has_type_and_description(variable):
    assert variable.body.get("type"), f"{variable.where} has no type"
    description = variable.body.get("description", "")
    assert isinstance(description, str) and len(description.strip()) >= 10, f"{variable.where} has no description"


SETTINGS_FILES = [*sorted((TERRAFORM / "environments").glob("*.tfvars")), TERRAFORM / "terraform.tfvars.example"]


@pytest.mark.parametrize("path", SETTINGS_FILES, ids=lambda p: p.name)
def test_settings_files_only_set_declared_variables(path):
    declared = {v.labels[0] for v in blocks("variable", TERRAFORM)}
    settings = set(load(path))
    assert settings, f"{path.name} sets nothing"
    assert settings <= declared, f"{path.name} sets undeclared variables: {sorted(settings - declared)}"
