"""The usage ledger's tests (the stand-in itself is the autouse `bigquery_standin` of tests/dags/conftest.py, and
`spent_today` fills it with earlier spend)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def settings(genops_env):
    """The GENOPS_ values Terraform would set (the ledger's table is named from them)."""
    return genops_env
