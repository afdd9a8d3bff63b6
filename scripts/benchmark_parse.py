"""Parse-time benchmark of every DAG file: cold and warm parse time, peak memory, heavy imports.

    .venv/bin/python scripts/benchmark_parse.py [--check] [--repeat N]

cold: a fresh interpreter that has already imported Airflow (as a DAG processor child has) parses the
      file once: this pays for the provider and shared-package imports the file pulls in.
warm: the file's imports are already loaded (Airflow's `parsing_pre_import_modules`, on by default),
      and the file is parsed again: the median of --repeat runs.
peak: the interpreter's peak resident memory after the cold parse (Airflow itself included).

--check fails (exit 1) when a file misses a target: warm < 100 ms, cold < 2 s, and no module from
HEAVY_MODULES imported at parse time. This is a benchmark to run by hand or in CI logs, not a timed test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAGS = REPO / "dags"
WARM_TARGET_S, COLD_TARGET_S = 0.100, 2.0
# SDKs that only tasks may import: seeing one in sys.modules after a parse is a defect.
HEAVY_MODULES = ("vertexai", "google.genai", "pandas", "google.cloud.aiplatform", "google.cloud.bigquery")


def dag_files() -> list[Path]:
    ignored = {line.strip().rstrip("/") for line in (DAGS / ".airflowignore").read_text().splitlines()}
    ignored = {entry for entry in ignored if entry and not entry.startswith("#")}
    return sorted(
        path
        for path in DAGS.rglob("*.py")
        if not any(part in ignored for part in path.relative_to(DAGS).parts) and "__pycache__" not in path.parts
    )


def _parse(path: Path, name: str) -> float:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    start = time.perf_counter()
    spec.loader.exec_module(module)
    return time.perf_counter() - start


def measure_one(path: Path, repeat: int) -> dict:
    """Runs inside the fresh interpreter: Airflow first, then the DAG file cold, then warm."""
    import airflow  # noqa: F401  (the DAG processor has Airflow loaded before it parses anything)

    sys.path.insert(0, str(DAGS))
    before = set(sys.modules)
    cold = _parse(path, "benchmark_cold")
    heavy = sorted(
        name for name in set(sys.modules) - before if any(name == h or name.startswith(h + ".") for h in HEAVY_MODULES)
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    warm = statistics.median(_parse(path, f"benchmark_warm_{i}") for i in range(repeat))
    return {"cold_s": cold, "warm_s": warm, "peak_mb": peak_mb, "heavy": heavy}


def measure_in_fresh_process(path: Path, repeat: int) -> dict:
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: dict[str, dict]) -> str:
    lines = [
        "| DAG file | cold parse | warm parse | peak memory | heavy SDKs at parse |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, r in rows.items():
        lines.append(
            f"| `{name}` | {r['cold_s'] * 1000:.0f} ms | {r['warm_s'] * 1000:.1f} ms | {r['peak_mb']:.0f} MiB "
            f"| {', '.join(r['heavy']) or 'none'} |"
        )
    return "\n".join(lines)


def misses(rows: dict[str, dict]) -> list[str]:
    found = []
    for name, r in rows.items():
        if r["warm_s"] >= WARM_TARGET_S:
            found.append(f"{name}: warm parse {r['warm_s'] * 1000:.0f} ms >= {WARM_TARGET_S * 1000:.0f} ms")
        if r["cold_s"] >= COLD_TARGET_S:
            found.append(f"{name}: cold parse {r['cold_s']:.2f} s >= {COLD_TARGET_S} s")
        if r["heavy"]:
            found.append(f"{name}: imports {', '.join(r['heavy'])} at parse time")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a file misses a target")
    parser.add_argument("--repeat", type=int, default=5, help="warm parses per file (median)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.repeat)))
        return 0

    rows = {str(path.relative_to(DAGS)): measure_in_fresh_process(path, args.repeat) for path in dag_files()}
    print(table(rows))
    problems = misses(rows)
    for problem in problems:
        print(f"MISSED TARGET: {problem}", file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
