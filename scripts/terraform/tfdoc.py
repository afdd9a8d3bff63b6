"""Generate the Inputs and Outputs tables of a Terraform folder's README.md from its code.

    python scripts/terraform/tfdoc.py [--check] [DIR ...]     (no DIR: terraform/ and every terraform/modules/*)

Reads every `variable` and `output` block of DIR/*.tf with python-hcl2 and writes, sorted by name,
an Inputs table (name, type, default or "required", description) and an Outputs table (name,
description, sensitive) between the marker comments below in DIR/README.md; the prose around them is
kept. With --check nothing is written: it exits 1 naming each README whose tables are stale.
`make docs` regenerates every README.

The HCL loading helpers here are also what tests/terraform/hcl_tree.py reads the blueprint with.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
BEGIN = "<!-- BEGIN TFDOC -->"
END = "<!-- END TFDOC -->"
# A type longer than this is shown with its top-level attribute names only, or folded to `…`.
TYPE_WIDTH = 60
NAMES_WIDTH = 100
_META_KEYS = {"__is_block__", "__comments__", "__inline_comments__"}


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _clean(value: Any) -> Any:
    """python-hcl2 keeps HCL quoting ('"name"') and bookkeeping keys; drop both. Expressions stay `${...}`."""
    if isinstance(value, dict):
        return {unquote(k): _clean(v) for k, v in value.items() if k not in _META_KEYS}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return unquote(value)
    return value


@functools.cache
def load(path: Path) -> dict[str, Any]:
    """One .tf (or .tfvars) file as plain Python values."""
    with path.open() as handle:
        return _clean(hcl2.load(handle))


def module_dirs() -> list[Path]:
    """The root module and every module under terraform/modules."""
    return [TERRAFORM, *sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())]


def declared(kind: str, directory: Path) -> dict[str, dict[str, Any]]:
    """name -> body of every `variable` or `output` block in directory/*.tf."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for entry in load(path).get(kind, []):
            found.update(entry)
    return found


def _expression(value: str) -> str:
    match = re.fullmatch(r"\$\{(.*)\}", value, flags=re.S)
    return match.group(1) if match else value


def _top_level_names(body: str) -> list[str]:
    """Attribute names of an object type's body `a = t1, b = object({...})` (commas inside brackets skipped)."""
    names, depth, start = [], 0, 0
    for i, char in enumerate(body + ","):
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(body[start:i].split("=", 1)[0].strip())
            start = i + 1
    return [n for n in names if n]


def render_type(value: Any) -> str:
    """The type constraint as one line; a long object type keeps its attribute names, a very long one folds to `…`."""
    text = re.sub(r"\s+", " ", _expression(str(value))).strip()
    if len(text) <= TYPE_WIDTH:
        return text
    match = re.fullmatch(r"(.*?object\(\{)(.*)(\}\).*)", text)
    if not match:
        return text
    head, body, tail = match.groups()
    names = f"{head}{', '.join(_top_level_names(body))}{tail}"
    return names if len(names) <= NAMES_WIDTH else f"{head}…{tail}"


def render_default(value: Any) -> str:
    """A default as compact JSON (which HCL reads too); an expression as written."""
    if isinstance(value, str) and value.startswith("${"):
        return _expression(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def _prose(text: Any) -> str:
    """A description on one line; a heredoc (`<<-EOT ... EOT`) loses its markers."""
    text = str(text or "")
    heredoc = re.fullmatch(r"<<-?(\w+)\n(.*)\n\s*\1\s*", text, flags=re.S)
    if heredoc:
        text = heredoc.group(2)
    return re.sub(r"\s+", " ", text).strip().replace("|", "\\|")


def tables(directory: Path) -> str:
    """The generated block, markers included, for one Terraform folder."""
    lines = [BEGIN, "", "## Inputs", ""]
    variables = declared("variable", directory)
    if variables:
        lines += ["| Name | Type | Default | Description |", "| --- | --- | --- | --- |"]
        for name, body in sorted(variables.items()):
            default = _code(render_default(body["default"])) if "default" in body else "required"
            kind = _code(render_type(body["type"])) if "type" in body else "any"
            lines.append(f"| `{name}` | {kind} | {default} | {_prose(body.get('description'))} |")
    else:
        lines.append("None.")
    lines += ["", "## Outputs", ""]
    outputs = declared("output", directory)
    if outputs:
        lines += ["| Name | Description | Sensitive |", "| --- | --- | --- |"]
        for name, body in sorted(outputs.items()):
            sensitive = "yes" if body.get("sensitive") is True else "no"
            lines.append(f"| `{name}` | {_prose(body.get('description'))} | {sensitive} |")
    else:
        lines.append("None.")
    lines += ["", END]
    return "\n".join(lines)


def render(directory: Path) -> str:
    """directory/README.md with its marked block regenerated."""
    readme = directory / "README.md"
    text = readme.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{readme}: needs exactly one {BEGIN} ... {END} pair where the tables go")
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    return before + tables(directory) + after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a README is stale")
    parser.add_argument("directories", nargs="*", type=Path, help="Terraform folders (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for directory in args.directories or module_dirs():
        readme = directory / "README.md"
        wanted = render(directory)
        if readme.read_text() == wanted:
            continue
        stale.append(readme)
        if not args.check:
            readme.write_text(wanted)
            print(f"updated {readme}")
    if args.check and stale:
        for readme in stale:
            print(f"{readme}: Inputs/Outputs tables are stale; run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
