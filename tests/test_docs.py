"""The README and docs/ stay true: the settings table is what config.py says, the make targets they name exist,
the README stays a short overview that maps every docs page, and the models section keeps its generator markers.
"""

from __future__ import annotations

import json
import re

import pytest

from genops.core import config
from scripts.docs import configdoc
from tests.conftest import REPO

README = (REPO / "README.md").read_text()
DOCS = REPO / "docs"
CONFIGURATION = (DOCS / "configuration.md").read_text()
PAGES = {
    path.relative_to(REPO).as_posix(): path.read_text()
    for path in [REPO / "README.md", *sorted(DOCS.glob("*.md")), REPO / "terraform" / "README.md"]
}


def _config_table(text: str) -> dict[str, str]:
    rows = re.findall(r"^\| `(GENOPS_[A-Z_]+)` \| .+? \| (.+?) \|$", text, flags=re.M)
    return dict(rows)


def test_configuration_lists_every_setting_with_its_default():
    table = _config_table(CONFIGURATION)
    assert set(table) == set(config.SETTINGS)
    for name, setting in config.SETTINGS.items():
        documented = table[name].strip("`")
        if setting.default is None:
            assert documented == "required", name
        elif setting.default == "":
            assert documented == "empty (feature off)", name
        elif name == "GENOPS_EVAL_THRESHOLDS":
            assert json.loads(documented) == json.loads(setting.default)
        else:
            assert documented == setting.default, name


def test_configuration_table_is_what_the_generator_writes():
    assert CONFIGURATION == configdoc.render(CONFIGURATION), "docs/configuration.md is stale: run `make docs`"
    assert configdoc.main(["--check"]) == 0


def test_generator_check_names_a_stale_page_and_docs_fixes_it(tmp_path, capsys):
    page = tmp_path / "configuration.md"
    page.write_text(f"# Configuration\n\nProse.\n\n{configdoc.BEGIN}\n| old |\n{configdoc.END}\n\nMore prose.\n")
    assert configdoc.main(["--check", str(page)]) == 1
    assert str(page) in capsys.readouterr().err
    assert "| old |" in page.read_text(), "--check must not write"

    assert configdoc.main([str(page)]) == 0
    text = page.read_text()
    assert text.startswith("# Configuration\n\nProse.\n\n") and text.endswith(f"{configdoc.END}\n\nMore prose.\n")
    project = config.SETTINGS["GENOPS_PROJECT_ID"]
    assert f"| `GENOPS_PROJECT_ID` | {project.description} | required |" in text
    assert configdoc.main(["--check", str(page)]) == 0


def test_a_changed_setting_makes_the_table_stale():
    changed = dict(config.SETTINGS)
    changed["GENOPS_REGION"] = config.Setting("GENOPS_REGION", "Vertex AI region | pipes escaped.", "europe-west4")
    del changed["GENOPS_TOKEN_BUDGET"]
    rendered = configdoc.render(CONFIGURATION, changed)
    assert rendered != CONFIGURATION
    assert "| `GENOPS_REGION` | Vertex AI region \\| pipes escaped. | `europe-west4` |" in rendered
    assert "GENOPS_TOKEN_BUDGET" not in rendered.split(configdoc.BEGIN)[1].split(configdoc.END)[0]


def test_a_page_without_markers_is_refused():
    with pytest.raises(SystemExit, match="BEGIN GENERATED: config"):
        configdoc.render("# no markers\n")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_make_targets_named_in_the_docs_exist(page):
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-zA-Z0-9_-]+):", makefile, flags=re.M))
    for target in set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", PAGES[page])):
        assert target in targets, f"{page} mentions `make {target}` but the Makefile has no such target"


def test_readme_is_a_short_overview():
    assert len(README.splitlines()) <= 150, "README.md is at most 150 lines: move detail to docs/"
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    for section in ("Architecture", "Quick start", "Path to production", "Models", "Documentation"):
        assert section in headings, f"README.md has no '## {section}' section"
    assert "```mermaid" in README, "the README shows the architecture diagram"


def test_readme_quick_start_states_every_prerequisite():
    quick_start = README.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    for command in ("git clone", "make local", "make test"):
        assert command in quick_start, command
    for prerequisite in (
        "Python 3.11",
        "PYTHON",
        "terraform` 1.11",
        "terraform-offline",
        "mirror",
        "gcloud` 528",
        "PostgreSQL",
        "x86_64",
    ):
        assert prerequisite in quick_start, f"the quick start does not state {prerequisite!r}"


def test_readme_path_to_production_has_five_steps():
    section = README.split("## Path to production\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^(\d+)\. ", section, flags=re.M) == ["1", "2", "3", "4", "5"]


def test_readme_maps_every_docs_page():
    documentation = README.split("## Documentation\n", 1)[1]
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", documentation))
    pages = {path.relative_to(REPO).as_posix() for path in DOCS.glob("*.md")}
    assert pages == linked, f"docs pages missing from README's map: {sorted(pages - linked)}"


def test_readme_models_section_keeps_the_generator_markers():
    models = README.split("## Models\n", 1)[1].split("\n## ", 1)[0]
    assert models.count("<!-- BEGIN GENERATED: models -->") == 1
    assert models.count("<!-- END GENERATED: models -->") == 1
    assert models.index("<!-- BEGIN GENERATED: models -->") < models.index("<!-- END GENERATED: models -->")


def _commands(text: str) -> list[str]:
    """The lines of the fenced code blocks of a page."""
    blocks = re.findall(r"^\s*```[a-z]*\n(.*?)^\s*```", text, flags=re.M | re.S)
    return [line.strip() for block in blocks for line in block.splitlines()]


def raw_terraform_runs(text: str) -> list[str]:
    return [line for line in _commands(text) if re.search(r"terraform(?: -chdir=\S+)? (?:init|plan|apply)\b", line)]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_apply_instructions_use_the_environment_targets(page):
    """A bare `terraform init` records no environment, so `make tf-plan` would refuse: the docs say make tf-init."""
    assert raw_terraform_runs(PAGES[page]) == [], f"{page}: use make tf-init / tf-plan / tf-apply ENV=..."


def test_apply_instructions_check_catches_a_raw_init():
    raw = "terraform -chdir=terraform init -backend-config=backends/prod.gcs.tfbackend"
    assert raw_terraform_runs(f"Prose: terraform init.\n\n```sh\n{raw}\nmake tf-plan ENV=prod\n```\n") == [raw]
