"""Each module's README lists exactly its inputs and outputs."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl_tree import REPO, blocks, module_dirs


def _table_names(readme: str, heading: str) -> set[str]:
    section = readme.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


@pytest.mark.parametrize("directory", module_dirs(), ids=lambda d: str(d.relative_to(REPO)))
def test_readme_tables_match_the_module(directory):
    readme = (directory / "README.md").read_text()
    for heading, kind in (("Inputs", "variable"), ("Outputs", "output")):
        declared = {b.labels[0] for b in blocks(kind, directory)}
        assert _table_names(readme, heading) == declared, f"{directory.name}/README.md {heading} table is out of date"
