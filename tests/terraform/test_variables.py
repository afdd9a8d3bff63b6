"""Every input of the blueprint and its modules is typed and described."""

from __future__ import annotations

import pytest

from scripts.terraform import sort_tf_variables
from tests.terraform.hcl_tree import REPO, TERRAFORM, blocks, load, module_dirs

VARIABLES = blocks("variable")


def test_variables_were_found():
    assert len(VARIABLES) > 40, "the HCL loader found too few variables: is terraform/ readable?"


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda b: b.where)
def test_variable_has_type_and_description(variable):
    assert variable.body.get("type"), f"{variable.where} has no type"
    description = variable.body.get("description", "")
    assert isinstance(description, str) and len(description.strip()) >= 10, f"{variable.where} has no description"


ROOT_INPUTS = [v for v in blocks("variable", TERRAFORM) if v.body["type"] != "bool"]


def _validated_downstream(name: str) -> list[str]:
    """Module inputs that receive var.<name> unchanged and validate it themselves."""
    found = []
    for call in blocks("module", TERRAFORM):
        module = (TERRAFORM / call.body["source"]).resolve()
        inputs = {b.labels[0]: b.body for b in blocks("variable", module)}
        for argument, value in call.body.items():
            if value == f"${{var.{name}}}" and inputs.get(argument, {}).get("validation"):
                found.append(f"module.{call.labels[0]}.{argument}")
    return found


@pytest.mark.parametrize("variable", ROOT_INPUTS, ids=lambda b: b.labels[0])
def test_every_root_input_but_a_switch_is_validated(variable):
    """Users set the root module's inputs: each is checked at the root or by the module input it feeds unchanged
    (a bool needs no rule)."""
    name = variable.labels[0]
    assert variable.body.get("validation") or _validated_downstream(name), (
        f"{variable.where} has no validation block, and no module input it is passed to validates it"
    )


SETTINGS_FILES = [*sorted((TERRAFORM / "environments").glob("*.tfvars")), TERRAFORM / "terraform.tfvars.example"]


@pytest.mark.parametrize("path", SETTINGS_FILES, ids=lambda p: p.name)
def test_settings_files_only_set_declared_variables(path):
    declared = {v.labels[0] for v in blocks("variable", TERRAFORM)}
    settings = set(load(path))
    assert settings, f"{path.name} sets nothing"
    assert settings <= declared, f"{path.name} sets undeclared variables: {sorted(settings - declared)}"


VARIABLE_FILES = [path for directory in module_dirs() for path in sorted(directory.glob("variables*.tf"))]


@pytest.mark.parametrize("path", VARIABLE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_variables_are_in_alphabetical_order(path):
    """Cloud Foundation Fabric's rule; `python scripts/terraform/sort_tf_variables.py FILE` reorders the blocks."""
    names = [name for entry in load(path).get("variable", []) for name in entry]
    assert names, f"{path.relative_to(REPO)} declares no variable"
    assert names == sorted(names), (
        f"{path.relative_to(REPO)}: variables are not alphabetical; "
        "run python scripts/terraform/sort_tf_variables.py on it"
    )


def test_sort_moves_whole_blocks_with_their_comments_and_keeps_the_header():
    text = (
        "# Header of the file.\n\n"
        'variable "b" {\n  type = string\n}\n\n'
        "# About a.\n"
        'variable "a" {\n  type = object({\n    x = number\n  })\n}\n'
    )
    assert sort_tf_variables.sort_text(text) == (
        "# Header of the file.\n\n"
        "# About a.\n"
        'variable "a" {\n  type = object({\n    x = number\n  })\n}\n\n'
        'variable "b" {\n  type = string\n}\n'
    )
    with pytest.raises(SystemExit, match="only variable blocks"):
        sort_tf_variables.sort_text(text + "locals {\n  x = 1\n}\n")
