"""Read the blueprint's Terraform files with python-hcl2 into plain Python values.

python-hcl2 keeps HCL quoting (`'"name"'`) and adds bookkeeping keys (`__is_block__`, comments);
`load` (scripts/terraform/tfdoc.py, which generates the README tables from the same reading) strips both, so tests
compare against ordinary strings. Expressions stay as `${...}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# python-hcl2 is pinned with the primary (Airflow 3) environment only; elsewhere these tests skip.
pytest.importorskip("hcl2", reason="python-hcl2 is not installed (it is pinned in requirements/airflow-3*.txt)")

from scripts.terraform.tfdoc import REPO, TERRAFORM, load, module_dirs  # noqa: E402  (after the skip above)

__all__ = ["REPO", "TERRAFORM", "load", "module_dirs"]


def strings(value: Any) -> list[str]:
    """Every string inside a parsed HCL value (expressions included), depth first."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def tf_files(directory: Path | None = None) -> list[Path]:
    dirs = [directory] if directory else module_dirs()
    return [f for d in dirs for f in sorted(d.glob("*.tf"))]


@dataclass(frozen=True)
class Block:
    """One labelled block (variable, resource, module, ...) and where it is."""

    path: Path
    labels: tuple[str, ...]
    body: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}: {' '.join(self.labels)}"


def blocks(kind: str, directory: Path | None = None) -> list[Block]:
    """Blocks of one kind; `resource` blocks carry (type, name) labels, the others (name,)."""
    found = []
    for path in tf_files(directory):
        for entry in load(path).get(kind, []):
            for first, body in entry.items():
                if kind in ("resource", "data"):
                    found.extend(Block(path, (first, name), inner) for name, inner in body.items())
                else:
                    found.append(Block(path, (first,), body))
    return found


def locals_of(directory: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in tf_files(directory):
        for entry in load(path).get("locals", []):
            merged.update(entry)
    return merged


def variable_default(name: str, directory: Path = TERRAFORM) -> Any:
    (block,) = [b for b in blocks("variable", directory) if b.labels == (name,)]
    return block.body["default"]


def file_reference(expression: str, directory: Path) -> Path:
    """The file a `file("${path.module}/...")` expression in `directory` reads."""
    match = re.fullmatch(r'\$\{file\("\$\{path\.module\}/([^"]+)"\)\}', expression)
    if not match:
        raise ValueError(f'expected file("${{path.module}}/..."), got {expression!r}')
    return (directory / match.group(1)).resolve()
