"""Put the `variable` blocks of Terraform files in alphabetical order (Cloud Foundation Fabric's rule).

    python scripts/terraform/sort_tf_variables.py FILE ... e.g. terraform/variables*.tf terraform/modules/*/variables.tf

Each block moves whole and verbatim, with the comment lines directly above it; the file's opening
comment (before the first blank line that precedes a block) stays first. Nothing inside a block changes:
the script refuses a file where anything but blank lines sits between blocks, and checks that the
sorted file holds exactly the same lines. Run `terraform fmt` afterwards.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_START = re.compile(r'^variable\s+"([^"]+)"\s*\{\s*$')


def sort_text(text: str, where: str = "<text>") -> str:
    lines = text.splitlines()
    header: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    pending: list[str] = []  # comment lines waiting for the block they describe
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _START.match(line)
        if match:
            end = lines.index("}", i)  # a block ends at the first `}` in column 0 (terraform fmt style)
            blocks.append((match.group(1), [*pending, *lines[i : end + 1]]))
            pending, i = [], end + 1
            continue
        if line.startswith("#"):
            pending.append(line)
        elif line.strip():
            raise SystemExit(f"{where}:{i + 1}: only variable blocks, comments and blank lines can be sorted")
        elif pending and not blocks:
            header, pending = [*header, *pending, ""], []
        i += 1
    if pending:
        raise SystemExit(f"{where}: trailing comment lines belong to no block")
    ordered = [block for _, block in sorted(blocks, key=lambda b: b[0])]
    result = "\n".join([*header, *("\n".join(b) + "\n" for b in ordered)]).rstrip("\n") + "\n"
    if Counter(filter(None, result.splitlines())) != Counter(filter(None, lines)):
        raise SystemExit(f"{where}: sorting would change the file's lines; left unchanged")
    return result


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        text = path.read_text()
        sorted_text = sort_text(text, name)
        if sorted_text != text:
            path.write_text(sorted_text)
            print(f"sorted {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
