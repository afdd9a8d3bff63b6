"""README.md stays true: its config table matches the contract, and the make targets it names exist."""

from __future__ import annotations

import json
import re

from genops.core import config
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def _config_table() -> dict[str, str]:
    rows = re.findall(r"^\| `(GENOPS_[A-Z_]+)` \| .+? \| (.+?) \|$", README, flags=re.M)
    return dict(rows)


def test_readme_lists_every_setting_with_its_default():
    table = _config_table()
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


def test_make_targets_named_in_readme_exist():
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-zA-Z0-9_-]+):", makefile, flags=re.M))
    for target in set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", README)):
        assert target in targets, f"README mentions `make {target}` but the Makefile has no such target"
