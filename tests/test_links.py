"""Every relative link and #anchor in the documentation resolves, as GitHub renders it.

Checked: Markdown links in README.md, docs/ and every README under terraform/; and the `<page>.md#<anchor>`
references that code, comments and the alert policies' runbook text make (those are read from the repository
root). A section named in prose (`README, "Some section"`) cannot be checked, so it is refused: name the page
and its anchor instead. Anchors follow GitHub's rules: the heading's text lowercased, punctuation other than
`-` and `_` dropped, spaces made hyphens, and a repeated heading suffixed -1, -2, ...
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"", re.I)
# [text](target) or ![alt](target); the target ends at whitespace or the closing parenthesis.
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
# A page#anchor reference in code or runbook text, relative to the repository root.
PAGE_REFERENCE = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w.-]+\.md)#([A-Za-z0-9_-]+)")
# The unverifiable forms: a README named with a (capitalised) section title in quotes or parentheses,
# or a bare "see README".
PROSE_REFERENCE = re.compile(
    r"README(?:\.md)?,?\s+(?:\"[A-Z][^\"]*\"|'[A-Z][^']*')|\(README(?:\.md)?, [A-Z][^)]*\)|see README(?!\.md|[\w/#-])"
)
CODE_FILES = ("*.py", "*.tf", "*.tfvars", "*.tftpl", "*.sh", "*.yaml", "*.yml", "*.json", "*.example", "Makefile")
CODE_DIRS = ("dags", "scripts", "terraform", "tests")
SELF = Path(__file__).name
TOP_LEVEL_CODE = (
    ".ci/run",
    "Makefile",
    "cloudbuild.yaml",
    "local.env.example",
    ".pre-commit-config.yaml",
    "pyproject.toml",
)


def markdown_pages(root: Path) -> list[Path]:
    pages = [root / "README.md", *sorted((root / "docs").glob("**/*.md"))]
    pages += sorted((root / "terraform").glob("**/README.md"))
    return [p for p in pages if p.is_file() and ".terraform" not in p.parts]


def code_files(root: Path) -> list[Path]:
    files = [root / name for name in TOP_LEVEL_CODE if (root / name).is_file()]
    for directory in CODE_DIRS:
        for pattern in CODE_FILES:
            files += [p for p in (root / directory).rglob(pattern) if p.is_file() and ".terraform" not in p.parts]
    return sorted(f for f in set(files) if f.name != SELF)  # this file spells the refused forms as examples


def _outside_code(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (before de-duplication)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text stays, its target goes
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"(\*\*|__|\*)", "", text)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, seen = set(), {}
    for _, line in _outside_code(page.read_text()):
        found.update(HTML_ANCHOR.findall(line))
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def _check_target(root: Path, source: Path, base: Path, target: str, where: str) -> str | None:
    path_part, _, anchor = target.partition("#")
    page = (base / path_part).resolve() if path_part else source.resolve()
    if not page.is_relative_to(root.resolve()):
        return f"{where}: {target} leaves the repository"
    if not page.exists():
        return f"{where}: {target}: {page.relative_to(root.resolve())} does not exist"
    if anchor and page.suffix == ".md" and anchor not in anchors(page):
        return f"{where}: {target}: {page.relative_to(root.resolve())} has no heading with the anchor #{anchor}"
    return None


def broken_links(root: Path) -> list[str]:
    problems = []
    for page in markdown_pages(root):
        for number, line in _outside_code(page.read_text()):
            for target in LINK.findall(INLINE_CODE.sub("", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("${"):
                    continue  # https:, mailto:, a Terraform interpolation
                where = f"{page.relative_to(root)}:{number}"
                problem = _check_target(root, page, page.parent, target, where)
                if problem:
                    problems.append(problem)
    return problems


def broken_references(root: Path) -> list[str]:
    """page.md#anchor references in code, comments and runbook text, and prose references to sections."""
    problems = []
    for path in code_files(root):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            where = f"{path.relative_to(root)}:{number}"
            for page, anchor in PAGE_REFERENCE.findall(line):
                problem = _check_target(root, path, root, f"{page}#{anchor}", where)
                if problem:
                    problems.append(problem)
            for prose in PROSE_REFERENCE.findall(line):
                problems.append(f"{where}: {prose!r} names a section in prose: write <page>.md#<anchor>")
    return problems


# Repository paths named in inline code (`scripts/...`): they must exist, so a moved file cannot leave a stale
# instruction behind. A path is read from the repository root, from the page's own folder, or from dags/ (the
# DAG folder, as the benchmark tables name DAG files); a file made from an `.example` beside it counts; the
# deploy's lock and release marker (`dags/.genops_*`) are objects in the Composer bucket, not files.
PATH_ROOTS = ("dags/", "scripts/", "terraform/", "tests/", "requirements/", "samples/", "docs/", ".ci/")
BUCKET_OBJECTS = re.compile(r"^dags/\.genops_")


def missing_paths(root: Path) -> list[str]:
    problems = []
    for page in markdown_pages(root):
        for number, line in _outside_code(page.read_text()):
            for code in re.findall(r"`([^`\n]+)`", line):
                for word in code.split():
                    path = word.strip("(),;:'\"").split("#")[0].rstrip(".")
                    if not path.startswith(PATH_ROOTS) or re.search(r"[<>*${}]", path) or BUCKET_OBJECTS.match(path):
                        continue
                    bases = (root, page.parent, root / "dags")
                    if not any((b / path).exists() or (b / f"{path}.example").exists() for b in bases):
                        problems.append(f"{page.relative_to(root)}:{number}: `{path}` does not exist")
    return problems


def test_every_repository_path_named_in_the_docs_exists():
    assert missing_paths(REPO) == []


def test_every_documentation_link_and_anchor_resolves():
    assert markdown_pages(REPO), "no documentation pages found"
    assert broken_links(REPO) == []


def test_every_page_anchor_reference_in_code_and_runbooks_resolves():
    monitoring = REPO / "terraform" / "modules" / "monitoring"
    runbook_refs = [m for tf in monitoring.glob("*.tf") for m in PAGE_REFERENCE.findall(tf.read_text())]
    assert runbook_refs, "the alert policies' runbook text links to no page#anchor"
    assert broken_references(REPO) == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Promotion and rollback", "promotion-and-rollback"),
        ("Retries, and failing before spending", "retries-and-failing-before-spending"),
        ("`Waiting for another deploy to finish`", "waiting-for-another-deploy-to-finish"),
        ("`Refusing to deploy tag ...`", "refusing-to-deploy-tag-"),
        ("Customer-managed encryption (CMEK)", "customer-managed-encryption-cmek"),
        ("Checks (offline)", "checks-offline"),
        ("The `GENOPS_` settings", "the-genops_-settings"),
        ("See [the docs](docs/x.md)", "see-the-docs"),
    ],
)
def test_anchors_follow_githubs_rules(heading, anchor):
    assert slug(heading) == anchor


def test_a_repeated_heading_gets_a_numbered_anchor(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n## Setup\n\n## Setup\n\n```sh\n# not a heading\n```\n")
    assert anchors(page) == {"title", "setup", "setup-1"}


def _scratch_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO / "README.md", root / "README.md")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "terraform", root / "terraform", ignore=shutil.ignore_patterns(".terraform", "*.tfplan"))
    for name in ("dags", "scripts", "tests", ".ci", "requirements", "samples"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", ".airflow-local"))
    for name in TOP_LEVEL_CODE:
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    return root


def test_a_broken_link_a_renamed_heading_and_a_prose_reference_are_caught(tmp_path):
    root = _scratch_copy(tmp_path)
    assert broken_links(root) == [] and broken_references(root) == [] and missing_paths(root) == []

    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("(docs/cicd.md)", "(docs/ci-cd.md)", 1))
    assert any("docs/ci-cd.md does not exist" in p for p in broken_links(root))

    operations = root / "docs" / "operations.md"
    operations.write_text(operations.read_text().replace("### DAG runs failing", "### DAG runs fail"))
    assert any("#dag-runs-failing" in p and "monitoring/main.tf" in p for p in broken_references(root))

    cicd = root / "docs" / "cicd.md"
    cicd.write_text(cicd.read_text().replace("## Promotion and rollback", "## Promotion"))
    assert any("README.md" in p and "#promotion-and-rollback" in p for p in broken_links(root))

    contributing = root / "docs" / "contributing.md"
    contributing.write_text(contributing.read_text() + "\nRun `scripts/no_such_tool.py` first.\n")
    assert any("`scripts/no_such_tool.py` does not exist" in p for p in missing_paths(root))

    makefile = root / "Makefile"
    makefile.write_text(makefile.read_text() + '# see README, "Pinned images"\n')
    assert any("names a section in prose" in p and p.startswith("Makefile:") for p in broken_references(root))
