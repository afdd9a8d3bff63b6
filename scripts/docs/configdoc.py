"""Write the GENOPS_ settings table of docs/configuration.md from dags/genops/core/config.py.

    scripts/docs/configdoc.py           rewrite the table between the GENERATED: config markers (make docs)
    scripts/docs/configdoc.py --check   exit 1, naming the file, when the table is not what config.py says

Only the text between `<!-- BEGIN GENERATED: config -->` and `<!-- END GENERATED: config -->` is written;
the prose around it is kept.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "configuration.md"
BEGIN = "<!-- BEGIN GENERATED: config -->"
END = "<!-- END GENERATED: config -->"

if str(REPO / "dags") not in sys.path:
    sys.path.insert(0, str(REPO / "dags"))

from genops.core import config  # noqa: E402  (dags/ is not a package on the path by default)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def default_cell(setting: config.Setting) -> str:
    """required, empty (feature off), or the default in backticks."""
    if setting.default is None:
        return "required"
    if setting.default == "":
        return "empty (feature off)"
    return f"`{_cell(setting.default)}`"


def table(settings: dict[str, config.Setting] | None = None) -> str:
    rows = ["| Variable | Meaning | Default |", "| --- | --- | --- |"]
    for name, setting in (settings if settings is not None else config.SETTINGS).items():
        rows.append(f"| `{name}` | {_cell(setting.description)} | {default_cell(setting)} |")
    return "\n".join(rows) + "\n"


def render(text: str, settings: dict[str, config.Setting] | None = None) -> str:
    """`text` with the table between the markers replaced; SystemExit when the markers are missing."""
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{DOC.relative_to(REPO)}: expected one {BEGIN} ... {END} pair")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n\n{table(settings)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail instead of writing when the table is stale")
    parser.add_argument("doc", nargs="?", type=Path, default=DOC, help="the page holding the markers")
    args = parser.parse_args(argv)
    current = args.doc.read_text()
    wanted = render(current)
    if current == wanted:
        return 0
    if args.check:
        print(f"{args.doc} is stale: run `make docs`", file=sys.stderr)
        return 1
    args.doc.write_text(wanted)
    print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
