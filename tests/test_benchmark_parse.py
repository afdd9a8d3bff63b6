"""scripts/benchmarks/benchmark_parse.py: it runs Airflow's DAG processor over a folder; `--check` fails on a missed
target.

Not a timed test: the run below parses a scratch folder on this venv's Airflow (one steady loop) and only
asserts what does not depend on the machine's speed: that the processor parsed every file in the same run as
the floor, and that a DAG which sleeps or computes at parse time is named by `--check`.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "benchmarks" / "benchmark_parse.py"
spec = importlib.util.spec_from_file_location("benchmark_parse", SCRIPT)
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

AIRFLOW_MAJOR = int(__import__("airflow").__version__.split(".")[0])
DAG = (
    benchmark.FLOOR_IMPORTS[AIRFLOW_MAJOR]
    + "from datetime import datetime\n{prelude}\n"
    + (
        'with DAG(dag_id="{dag_id}", schedule=None, start_date=datetime(2024, 1, 1)):\n'
        '    EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")\n'
    )
)


@pytest.fixture(scope="module")
def checked_run(tmp_path_factory):
    """One `--check` run on this venv over a floor-sized DAG, one that sleeps 1.2 s and one that computes."""
    folder = tmp_path_factory.mktemp("dags")
    (folder / "quick.py").write_text(DAG.format(prelude="", dag_id="quick"))
    (folder / "sleeps.py").write_text(DAG.format(prelude="import time\ntime.sleep(1.2)", dag_id="sleeps"))
    busy = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end:\n    pass"
    (folder / "computes.py").write_text(DAG.format(prelude=busy, dag_id="computes"))
    out = folder.parent / "figures.json"
    done = subprocess.run(
        [sys.executable, SCRIPT, "--check", "--loops", "1", "--venv", sys.prefix, "--dags-folder", folder]
        + ["--json", out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done, json.loads(out.read_text()) if out.exists() else None


def test_the_processor_parses_every_file_and_the_floor_in_one_run(checked_run):
    done, results = checked_run
    assert results, done.stderr
    (run,) = results
    assert run["airflow"] == __import__("airflow").__version__ and run["pre_import"]
    assert sorted(run["files"]) == ["computes.py", "quick.py", "sleeps.py"]
    for f in [run["floor"], *run["files"].values()]:
        assert f["loops"] == 2  # the first loop and one steady loop, each parsed in a forked child
        assert 0 < f["steady_cpu_s"] <= f["steady_s"]
        assert f["child_peak_kib"] > 0 and len(f["processor_durations_s"]) == 2
    # The floor's Airflow imports are pre-imported in the parent, so its child does not import them again.
    assert not any(m.endswith("operators.empty") for m in run["floor"]["child_imports"])
    assert run["files"]["sleeps.py"]["steady_s"] >= 1.2 and run["first_loop_s"] > 1.2
    assert run["parent_peak_kib"] > 0 and run["deploy_first_loop_s"] > 0
    assert "| `sleeps.py` |" in done.stdout and "floor: two `EmptyOperator`s" in done.stdout


def test_check_names_the_file_that_waits_and_the_file_that_computes(checked_run):
    done, _ = checked_run
    assert done.returncode == 1, done.stderr
    missed = [line for line in done.stderr.splitlines() if line.startswith("MISSED TARGET")]
    assert any("sleeps.py: steady-state parse wall time" in line for line in missed), missed
    assert any("sleeps.py: a parse takes" in line and "flagged over 1 s" in line for line in missed), missed
    assert any("computes.py: steady-state parse CPU time" in line for line in missed), missed
    assert not any("quick.py" in line for line in missed), missed


def figures(first=0.1, wall=0.1, cpu=0.05):
    return {"first_s": first, "steady_s": wall, "steady_cpu_s": cpu}


def result(first_loop=5.0, **files):
    return {"airflow": "3.2.2", "floor": figures(), "files": files, "first_loop_s": first_loop}


def test_misses_holds_each_target_at_its_limit():
    at_limit = result(first_loop=14.9, a=figures(first=1.0, wall=0.2, cpu=0.1))
    assert benchmark.misses([at_limit]) == []
    flag_limit = {"airflow": "3.2.2", "floor": figures(wall=0.5), "files": {"b": figures(wall=1.0)}, "first_loop_s": 1}
    assert benchmark.misses([flag_limit]) == []

    over = result(
        first_loop=15.0,
        wall=figures(wall=0.21),
        cpu=figures(cpu=0.11),
        flagged_first=figures(first=1.01),
    )
    missed = benchmark.misses([over])
    assert len(missed) == 4, missed
    assert "wall: steady-state parse wall time 210 ms is 2.1x the floor's 100 ms (target <= 2x)" in missed[0]
    assert "cpu: steady-state parse CPU time 110 ms is 2.2x the floor's 50 ms (target <= 2x)" in missed[1]
    assert missed[2] == "Airflow 3.2.2: flagged_first: a parse takes 1.01 s (flagged over 1 s)"
    assert missed[3] == "Airflow 3.2.2: the first loop over the folder takes 15.0 s (target < 15 s)"

    steady_flag = {
        "airflow": "3.2.2",
        "floor": figures(wall=0.6),
        "files": {"b": figures(wall=1.01)},
        "first_loop_s": 1,
    }
    assert benchmark.misses([steady_flag]) == ["Airflow 3.2.2: b: a parse takes 1.01 s (flagged over 1 s)"]
