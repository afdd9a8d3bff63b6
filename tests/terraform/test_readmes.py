"""Each module's README lists exactly its inputs and outputs, in the tables scripts/terraform/tfdoc.py generates."""

from __future__ import annotations

import re

import pytest

from scripts.terraform import tfdoc
from tests.terraform.hcl_tree import REPO, blocks, module_dirs

DIRECTORIES = pytest.mark.parametrize("directory", module_dirs(), ids=lambda d: str(d.relative_to(REPO)))


def _table_names(readme: str, heading: str) -> set[str]:
    section = readme.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


@DIRECTORIES
def test_readme_tables_match_the_module(directory):
    readme = (directory / "README.md").read_text()
    for heading, kind in (("Inputs", "variable"), ("Outputs", "output")):
        declared = {b.labels[0] for b in blocks(kind, directory)}
        assert _table_names(readme, heading) == declared, f"{directory.name}/README.md {heading} table is out of date"


@DIRECTORIES
def test_readme_is_what_the_generator_writes(directory):
    readme = directory / "README.md"
    assert readme.read_text() == tfdoc.render(directory), f"{readme.relative_to(REPO)} is stale: run `make docs`"


def test_check_names_a_stale_readme_and_docs_fixes_it(tmp_path, capsys):
    module = tmp_path / "module"
    module.mkdir()
    (module / "variables.tf").write_text(
        'variable "zone" {\n  type        = string\n  description = "Zone | of it."\n  default     = "a"\n}\n\n'
        'variable "note" {\n  type        = any\n  description = <<-EOT\n    Two\n    lines.\n  EOT\n}\n\n'
        'variable "size" {\n  type        = object({\n    cpu    = number\n    memory = number\n  })\n'
        '  description = "Size."\n}\n'
    )
    (module / "outputs.tf").write_text(
        'output "token" {\n  description = "Token."\n  value       = "x"\n  sensitive   = true\n}\n'
    )
    readme = module / "README.md"
    readme.write_text("# module\n\nProse.\n\n<!-- BEGIN TFDOC -->\nold table\n<!-- END TFDOC -->\n\nMore prose.\n")

    assert tfdoc.main(["--check", str(module)]) == 1
    assert str(readme) in capsys.readouterr().err
    assert readme.read_text().count("old table") == 1, "--check must not write"

    assert tfdoc.main([str(module)]) == 0
    text = readme.read_text()
    assert text.startswith("# module\n\nProse.\n\n<!-- BEGIN TFDOC -->\n") and text.endswith(
        "<!-- END TFDOC -->\n\nMore prose.\n"
    )
    assert (
        "| `note` | `any` | required | Two lines. |\n"
        "| `size` | `object({cpu = number, memory = number})` | required | Size. |\n"
        '| `zone` | `string` | `"a"` | Zone \\| of it. |\n'
    ) in text
    assert "| `token` | Token. | yes |" in text
    assert tfdoc.main(["--check", str(module)]) == 0


def test_a_readme_without_markers_is_refused(tmp_path):
    (tmp_path / "README.md").write_text("# no markers\n")
    with pytest.raises(SystemExit, match="BEGIN TFDOC"):
        tfdoc.render(tmp_path)
