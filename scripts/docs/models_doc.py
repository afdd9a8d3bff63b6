"""Fill every Markdown file's `<!-- BEGIN GENERATED: models -->` ... `<!-- END GENERATED: models -->` block with
tables generated from the model table (dags/genops/models/models.json): which models the blueprint uses and
why, every model's lifecycle dates and replacements, and the sources with the date each was read.

Run from `make docs`; `--check` exits 1 when a file is out of date (CI).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "dags" / "genops" / "models" / "models.json"
BEGIN, END = "<!-- BEGIN GENERATED: models -->", "<!-- END GENERATED: models -->"
BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)


def _thinking(thinking: dict) -> str:
    if thinking["control"] == "budget":
        off = "can be turned off (0)" if thinking["can_turn_off"] else "cannot be turned off"
        return f"budget {thinking['budget_min']}-{thinking['budget_max']}; {off}"
    levels = ", ".join(thinking["levels"]) if thinking.get("levels") else "not documented"
    default = f" (default {thinking['default']})" if thinking.get("default") else ""
    budget = "; rejects a budget" if thinking.get("rejects_budget") else ""
    return f"levels {levels}{default}; cannot be turned off{budget}"


def _price(prices: dict) -> str:
    if not prices["tiers"]:
        return f"unpriced: {prices['unpriced_because']}"
    tier = prices["tiers"][0]
    text = f"${tier['input']} in / ${tier['output']} out / ${tier['cached_input']} cached"
    if prices.get("batch"):
        text += f"; batch ${prices['batch']['input']} / ${prices['batch']['output']}"
    return f"{text} (as of {prices['as_of']})"


def render(table: dict, *, full: bool = True) -> str:
    """The defaults table, then (full) every model and every source; README.md gets the defaults only."""
    models = table["models"]
    lines = [BEGIN, "", f"Generated from `dags/genops/models/models.json` (facts read {table['read_on']}).", ""]
    lines += ["| Setting | Default model | Retires | Why |", "|---|---|---|---|"]
    for setting, model in table["defaults"].items():
        facts = models[model]
        retires = f"{facts['retires']} {facts['retires_note']}"
        lines.append(f"| `{setting}` | `{model}` | {retires} | {table['defaults_why'][setting]} |")
    if not full:
        return "\n".join([*lines, "", END])
    header = ("Model", "Stage", "Released", "Retires", "Replacement", "Supervised tuning", "Thinking")
    header += ("Sampling advised against", "Price per 1M tokens (USD)")
    lines += ["", "| " + " | ".join(header) + " |"]
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for model, facts in sorted(models.items(), key=lambda item: item[1]["retires"] or "9999", reverse=True):
        cells = (
            f"`{model}`",
            facts["launch_stage"],
            facts["released"],
            f"{facts['retires']} {facts['retires_note']}",
            ", ".join(f"`{r}`" for r in facts["replacements"]) or "-",
            "yes" if facts["supervised_tuning"] else "no",
            _thinking(facts["thinking"]),
            ", ".join(facts["sampling"]["advised_against"]) or "-",
            _price(facts["prices"]),
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| Source | Read | What it says |", "|---|---|---|"]
    for key, source in table["sources"].items():
        lines.append(f"| [{key}]({source['url']}) | {source['read']} | {source['says']} |")
    lines += ["", END]
    return "\n".join(lines)


def files_with_block() -> list[Path]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        capture_output=True,
        text=True,
        check=True,
    )
    paths = [ROOT / name for name in listed.stdout.split()]
    return [path for path in paths if path.is_file() and BEGIN in path.read_text(encoding="utf-8")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a file is out of date; write nothing")
    args = parser.parse_args(argv)
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    stale = []
    for path in files_with_block():
        text = path.read_text(encoding="utf-8")
        block = render(table, full=path != ROOT / "README.md")
        new = BLOCK.sub(lambda _, block=block: block, text)
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(f"out of date (run make docs): {', '.join(map(str, stale))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
