"""Under CI, a test that cannot run fails: the hooks tests/conftest.py installs.

A skip proves nothing: with CI=true (.ci/run, Cloud Build), a test that skips because a tool or data is missing
(gcloud, the Airflow 2 venv, the offline Terraform kit, the IAM role data) fails instead, naming what is
missing. A test that may skip even there carries @pytest.mark.skip_expected(reason="why CI cannot run it").
Without CI a skip stays a skip, and `-ra` lists each one with its reason at the end of the run.
"""

from __future__ import annotations

import os

import pytest

SKIP_EXPECTED = "skip_expected"


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{SKIP_EXPECTED}(reason): the test may skip even under CI=true; the reason says why"
    )


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _fail_skip(report, what: str) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"{what} skipped under CI=true: {_skip_reason(report)}\n"
        "CI provides everything the suite needs (.ci/run builds it first): provide it, or mark the test "
        f"@pytest.mark.{SKIP_EXPECTED}(reason=...) if it cannot run in CI."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    expected = any(m.kwargs.get("reason") or m.args for m in item.iter_markers(SKIP_EXPECTED))
    if under_ci() and report.skipped and not hasattr(report, "wasxfail") and not expected:
        _fail_skip(report, "test")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    report = (yield).get_result()
    if under_ci() and report.skipped:
        _fail_skip(report, f"module {collector.nodeid}")
