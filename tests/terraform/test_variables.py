"""Every input of the blueprint and its modules is typed and described."""

from __future__ import annotations

import pytest

from tests.terraform.hcl_tree import blocks

VARIABLES = blocks("variable")


def test_variables_were_found():
    assert len(VARIABLES) > 40, "the HCL loader found too few variables: is terraform/ readable?"


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda b: b.where)
def test_variable_has_type_and_description(variable):
    assert variable.body.get("type"), f"{variable.where} has no type"
    description = variable.body.get("description", "")
    assert isinstance(description, str) and len(description.strip()) >= 10, f"{variable.where} has no description"
