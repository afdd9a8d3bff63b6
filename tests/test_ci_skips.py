"""Under CI=true a skipped test fails (tests/ci_skips.py), unless it is marked skip_expected with a reason."""

from __future__ import annotations

from tests.conftest import REPO

pytest_plugins = ["pytester"]

SUITE = """
import pytest

def test_runs():
    pass

def test_needs_a_tool():
    pytest.skip("the tool is not on PATH")

@pytest.mark.skipif(True, reason="no data")
def test_needs_data():
    pass

@pytest.mark.skip_expected(reason="needs a GPU, which CI has not")
def test_may_skip():
    pytest.skip("no GPU")
"""


def _run(pytester, monkeypatch, ci: str | None):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(test_suite=SUITE)
    return pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:cacheprovider", "-ra")


def test_under_ci_a_skip_fails_and_names_what_is_missing(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 1 and outcomes.get("skipped") == 1, outcomes
    # the two skipping tests fail (the skipif in set-up, so pytest counts it as an error)
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) == 2, outcomes
    result.stdout.fnmatch_lines(["*skipped under CI=true: the tool is not on PATH*"])
    result.stdout.fnmatch_lines(["*skipped under CI=true: no data*"])
    result.stdout.fnmatch_lines(["SKIPPED*no GPU*"])
    assert result.ret != 0


def test_without_ci_a_skip_stays_a_skip_and_is_listed(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, None)
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["SKIPPED*the tool is not on PATH*"])
    assert result.ret == 0


def test_a_skip_expected_marker_needs_a_reason(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile("import pytest\n\n@pytest.mark.skip_expected\ndef test_x():\n    pytest.skip('because')\n")
    result = pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)


def test_under_ci_a_module_that_skips_at_import_fails(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile('import pytest\n\npytest.importorskip("no_such_module_anywhere")\n')
    result = pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*skipped under CI=true*no_such_module_anywhere*"])
    assert result.ret != 0
