"""The model table (dags/genops/models/models.json) is the only place a Gemini model fact lives: no other
product file names a model id, its facts cite sources with read dates, its prices parse, and the generated
docs are current."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest

from genops.models.table import TABLE_FILE, ModelTableError, parse, table
from genops.usage import prices

ROOT = Path(__file__).resolve().parents[1]
MODEL_ID = re.compile(r"gemini-\d+(\.\d+)?-[a-z]+")
# Files that may name a model id besides the table: the Vertex AI stand-in's own list of what Google retired
# (independent of the table, so a wrong table is caught), and the Terraform defaults and example, which
# tests/terraform/test_genops_contract.py keeps equal to config.py's (the table's) defaults.
ALLOWED = {
    "dags/genops/models/models.json",
    "scripts/local/cloud/vertex_models.py",
    "terraform/variables_genops.tf",
    "terraform/terraform.tfvars.example",
}


def product_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        name
        for name in listed
        if not name.startswith(("tests/", "docs/"))
        and not name.endswith((".md", ".tftest.hcl"))
        and (ROOT / name).is_file()
    ]


def test_no_product_file_outside_the_table_names_a_model_id():
    offenders = {}
    for name in product_files():
        if name in ALLOWED:
            continue
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found = sorted({match.group(0) for match in MODEL_ID.finditer(text)})
        if found:
            offenders[name] = found
    assert offenders == {}, f"model ids outside dags/genops/models/models.json: {offenders}"


def test_every_fact_cites_a_source_read_on_a_date_and_bad_tables_are_refused():
    document = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    assert table().read_on.isoformat() == document["read_on"]
    model = next(iter(document["models"]))
    unknown_source = copy.deepcopy(document)
    unknown_source["models"][model]["sources"].append("a-blog")
    unknown_replacement = copy.deepcopy(document)
    unknown_replacement["models"][model]["replacements"] = ["gemini-0.0-nothing"]
    undated = copy.deepcopy(document)
    next(iter(undated["sources"].values()))["read"] = ""
    missing_field = copy.deepcopy(document)
    del missing_field["models"][model]["retires"]
    for bad in (unknown_source, unknown_replacement, undated, missing_field):
        with pytest.raises(ModelTableError):
            parse(bad)


def test_every_price_the_ledger_uses_comes_from_the_table_with_its_date_and_source():
    document = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    for model, entry in document["models"].items():
        model_prices = prices.table().prices_for(model)
        if entry["prices"]["tiers"] is None:
            assert model_prices is None and entry["prices"]["unpriced_because"]
            continue
        assert model_prices.as_of.isoformat() == entry["prices"]["as_of"]
        assert model_prices.source == document["sources"][entry["prices"]["source"]]["url"]
    unexplained = copy.deepcopy(document)
    unpriced = next(m for m, e in unexplained["models"].items() if e["prices"]["tiers"] is None)
    del unexplained["models"][unpriced]["prices"]["unpriced_because"]
    with pytest.raises(prices.PriceTableError):
        prices.parse(unexplained)


def test_the_generated_model_docs_are_current():
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "scripts/docs/models_doc.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
