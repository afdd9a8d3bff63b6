"""DAG integrity: every file imports, every DAG follows the platform's rules, parsing is deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genops.core.dag_factory import OWNER
from tests.conftest import REPO
from tests.dags.conftest import EXPECTED_DAG_IDS


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags_exist(dagbag):
    assert EXPECTED_DAG_IDS <= set(dagbag.dag_ids)


def test_every_dag_file_defines_a_dag(dagbag):
    """A DAG file the bag skipped (e.g. no 'airflow' in its text) would silently never deploy.

    DAG files may sit in subfolders (dags/samples); genops/ is the shared package (.airflowignore).
    """
    dags = REPO / "dags"
    dag_files = {p.relative_to(dags).as_posix() for p in dags.rglob("*.py") if p.relative_to(dags).parts[0] != "genops"}
    loaded_files = {Path(dag.fileloc).relative_to(dags).as_posix() for dag in dagbag.dags.values()}
    assert dag_files == loaded_files


@pytest.fixture(params=sorted(EXPECTED_DAG_IDS))
def dag(request, dagbag):
    return dagbag.get_dag(request.param)


def test_dag_has_no_cycles(dag):
    assert dag.tasks
    if hasattr(dag, "check_cycle"):  # Airflow 3
        dag.check_cycle()  # raises AirflowDagCycleException on a cycle
    else:  # Airflow 2.11
        from airflow.utils.dag_cycle_tester import check_cycle

        check_cycle(dag)


def test_dag_follows_platform_rules(dag):
    assert dag.description, "every DAG needs a description"
    assert "genops" in dag.tags and len(dag.tags) >= 2
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    for task in dag.tasks:
        assert task.owner == OWNER, f"{task.task_id} has owner {task.owner!r}"
        assert task.retries >= 1, f"{task.task_id} has no retries"


def _in_fresh_process(module: str, *args: str) -> str:
    """Run `python -m module args` with the repository and dags/ on the path, without this session's Airflow env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env={**env, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'dags'}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{module} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


def _serialized_in_fresh_process(out_file) -> dict:
    _in_fresh_process("tests.dags.serialize_dags", str(out_file))
    return json.loads(out_file.read_text())


@pytest.mark.slow
def test_parsing_twice_gives_identical_serialized_dags(tmp_path):
    first = _serialized_in_fresh_process(tmp_path / "first.json")
    second = _serialized_in_fresh_process(tmp_path / "second.json")
    assert EXPECTED_DAG_IDS <= set(first)
    for dag_id in first:
        assert first[dag_id] == second[dag_id], f"{dag_id} serializes differently between parses"


# Loaded only when a task calls Gemini (genops.gemini.calls) or evaluates: never while a DAG file is parsed.
TASK_ONLY_SDKS = ("google.genai", "vertexai", "google.cloud.aiplatform")


@pytest.mark.slow
def test_parsing_imports_no_sdk_beyond_the_processors_airflow_pre_imports():
    """What parsing costs, as Airflow's DAG processor parses (tests/dags/parse_imports.py).

    The processor pre-imports each DAG file's `airflow.*` modules once in its long-lived process
    (`parsing_pre_import_modules`), then parses the file in a forked child. So:
    - DAG files may import the provider's operators at top level; what those modules load (for
      GCSToBigQueryOperator: google.cloud.bigquery, google.cloud.storage, pandas) is paid once per processor.
    - What a parse adds on top of its pre-imports (the DAG file and genops' own modules) includes no SDK:
      the child pays it on every parse.
    - google-genai and the Vertex AI SDK load at no step, not even through a pre-imported provider module:
      the DAGs call Gemini through genops.gemini.calls, which imports them inside the task.
    """
    report = json.loads(_in_fresh_process("tests.dags.parse_imports").splitlines()[-1])

    assert {path for path in report} == {
        p.relative_to(REPO / "dags").as_posix()
        for p in (REPO / "dags").rglob("*.py")
        if p.relative_to(REPO / "dags").parts[0] != "genops"
    }
    assert {path: r for path, r in report.items() if "error" in r} == {}
    assert {path: r["parse"] for path, r in report.items() if r["parse"]} == {}, "a parse loaded an SDK itself"
    loaded = {path: [s for s in r["pre_imports"] if s in TASK_ONLY_SDKS] for path, r in report.items()}
    assert {path: sdks for path, sdks in loaded.items() if sdks} == {}
