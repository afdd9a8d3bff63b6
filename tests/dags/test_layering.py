"""The shared package's import arrows point one way (dags/genops/__init__.py lists the layers).

Every `import` / `from ... import` in the package's source is read with `ast`, wherever it sits (module
level or inside a function: a lazy import is still a dependency), resolved to a genops module, and checked:
each subpackage imports only itself and the subpackages below it, no module sits outside a subpackage, no
lab DAG imports `genops.samples`, and the module graph has no cycle. The second half breaks each rule once
in a scratch copy and shows the check notices.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

DAGS = REPO / "dags"
PACKAGE = "genops"

# Subpackage -> the other subpackages it may import. Reads as the layering: core at the bottom, samples on top.
# models (the model table: facts, no I/O but reading its JSON) sits below core: every layer may read it.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "models": frozenset(),
    "core": frozenset({"models"}),
    "usage": frozenset({"models", "core"}),
    "gemini": frozenset({"models", "core", "usage"}),
    # preflight asks Gemini whether the models exist; the lifecycle check finds the run's tuned model's base
    "gates": frozenset({"models", "core", "usage", "gemini", "tuning"}),
    "tuning": frozenset({"models", "core", "gemini"}),
    # a batch job's cost is estimated at the model table's batch price and gated by the daily spend gate
    "evaluation": frozenset({"models", "core", "usage", "gemini", "gates"}),
    "samples": frozenset({"models", "core", "gemini", "gates", "evaluation"}),
}


def module_name(path: Path, dags: Path) -> str:
    parts = list(path.relative_to(dags).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, dags: Path) -> set[str]:
    """Every genops module (or package) `path` imports, absolute or relative, anywhere in the file."""
    this = module_name(path, dags)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)  # `from genops import config`
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def existing(name: str, modules: set[str]) -> str | None:
    """The longest prefix of `name` that is a module of the package (drops imported attribute names)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def layering_problems(dags: Path) -> list[str]:
    sources = {module_name(p, dags): p for p in (dags / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts}
    modules = set(sources)
    problems = []
    graph: dict[str, set[str]] = {}
    for name, path in sorted(sources.items()):
        here = layer(name)
        if name != PACKAGE and here not in MAY_IMPORT:
            problems.append(f"{name} sits outside the subpackages {sorted(MAY_IMPORT)}; move it into one")
            continue
        targets = {t for t in (existing(i, modules) for i in imported_modules(path, dags)) if t and t != name}
        graph[name] = targets
        for target in sorted(targets):
            there = layer(target)
            if here is not None and there is not None and there != here and there not in MAY_IMPORT[here]:
                problems.append(f"{name} imports {target}: genops.{here} may import only {sorted(MAY_IMPORT[here])}")
            elif here is not None and there is None:
                problems.append(f"{name} imports the package root {target}; import the module it needs")
    for dag_file in sorted(dags.glob("*.py")):
        for imported in sorted(imported_modules(dag_file, dags)):
            if layer(imported) == "samples":
                problems.append(f"lab DAG {dag_file.name} imports {imported}; only dags/samples may use genops.samples")
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (or a module importing itself)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_shared_package_imports_point_one_way():
    assert layering_problems(DAGS) == []


def test_every_subpackage_is_named_in_the_layering():
    subpackages = {p.parent.name for p in (DAGS / PACKAGE).glob("*/__init__.py")}
    assert subpackages == set(MAY_IMPORT)


# --- Each rule broken once, in a scratch copy of dags/ ------------------------------------------------------


@pytest.fixture
def scratch(tmp_path) -> Path:
    shutil.copytree(DAGS, tmp_path / "dags", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "dags"


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "line", "problem"),
    [
        (
            "genops/core/config.py",
            "from genops.gemini.prompts import SYSTEM_INSTRUCTION",
            "genops.core.config imports genops.gemini.prompts: genops.core may import only ['models']",
        ),
        (
            "genops/gates/decisions.py",
            "def f():\n    from genops.evaluation import results",  # lazy imports count too
            "genops.gates.decisions imports genops.evaluation.results: "
            "genops.gates may import only ['core', 'gemini', 'models', 'tuning', 'usage']",
        ),
        (
            "genops/core/storage.py",
            "from ..samples import gcs",  # relative imports are resolved
            "genops.core.storage imports genops.samples.gcs: genops.core may import only ['models']",
        ),
        (
            "count_tokens.py",
            "from genops.samples.structured import checked",
            "lab DAG count_tokens.py imports genops.samples.structured; only dags/samples may use genops.samples",
        ),
        (
            "genops/core/compat.py",
            "from genops.core import config",
            "import cycle: genops.core.compat -> genops.core.config -> genops.core.compat",
        ),
    ],
)
def test_a_wrong_import_is_reported(scratch, file, line, problem):
    if "cycle" in problem:
        _append(scratch / "genops/core/config.py", "from genops.core import compat")
    _append(scratch / file, line)
    assert problem in layering_problems(scratch)


def test_a_module_outside_the_subpackages_is_reported(scratch):
    (scratch / "genops" / "helpers.py").write_text('"""Loose."""\n')
    assert layering_problems(scratch) == [
        "genops.helpers sits outside the subpackages "
        "['core', 'evaluation', 'gates', 'gemini', 'models', 'samples', 'tuning', 'usage']; move it into one"
    ]
