"""Parse-time benchmark: Airflow's own DAG processor parses `dags/` on each pinned Airflow, loop after loop.

    .venv/bin/python scripts/benchmark_parse.py [--check] [--loops N] [--venv DIR ...] [--dags-folder DIR]

What runs (Airflow's own code, unchanged)
    For each venv (default `.venv` = Airflow 3.2.2 and `.venv-airflow2` = Airflow 2.11.1) the script makes a
    temporary AIRFLOW_HOME, builds a real SQLite metadata DB with `airflow db migrate`, and runs that venv's
    DAG processor manager in a fresh interpreter for 1 + N loops over the folder:
      - Airflow 3: `airflow.dag_processing.manager.DagFileProcessorManager(max_runs=1+N).run()`, the loop
        `airflow dag-processor` runs, over the `dags-folder` bundle ([core] dags_folder). For each file the
        long-lived parent pre-imports the file's top-level `airflow.*` imports
        (`[dag_processor] parsing_pre_import_modules`, on by default), forks a child
        (`DagFileProcessorProcess`, Task SDK supervisor), the child parses the file with `BundleDagBag` and
        serializes its DAGs, and the parent writes them to the DB.
      - Airflow 2: `airflow.dag_processing.manager.DagFileProcessorManager(max_runs=1+N).start()` in standalone
        mode (`[scheduler] standalone_dag_processor`, as `airflow dag-processor` runs it): the parent
        pre-imports (`[scheduler] parsing_pre_import_modules`), forks a `DagFileProcessorProcess`, and the
        child runs `DagFileProcessor.process_file` (DagBag, serialization and the DB writes).
    The floor is a minimal two-task DAG (FLOOR_DAG) in a folder of its own, run through the same processor,
    config and loops. Settings changed from Airflow's defaults, and why: `min_file_process_interval = 0` so
    the loops run back to back; `parsing_processes = 1` so the files are parsed one at a time and each time is
    the file's own on a shared 2-core machine (Airflow 2 forces 1 with SQLite anyway); the standalone mode on
    Airflow 2. Nothing is imitated: no parse is run outside the processor.

What is measured (observers only; they time and record, and call the wrapped function unchanged)
    - pre-import: time and number of modules `_pre_import_airflow_modules` (3) / `import_modules` (2) loads
      into the parent before each fork; non-zero in the first loop only, once the modules are loaded.
    - child: in the forked child, from just before the fork to the end of the processor's parse function
      (`processor._parse_file` on 3, `DagFileProcessor.process_file` on 2): fork, child set-up, importing the
      file and everything it imports that the parent has not, building and serializing its DAGs (and, on 2,
      writing them). The table's "parse" is this, the per-file cost the processor pays every loop. The
      child also records its peak RSS (VmHWM, shared copy-on-write pages included), its private memory at
      the end of the parse (smaps_rollup Private_*), and the modules it imported that the parent had not.
    - the processor's own figure: the `run_duration` the manager computes for each file (`last_duration`,
      the `dag_processing.last_duration` metric), which includes the manager's polling until it collects
      the child; shown as "processor's duration" in --json only.
    - first loop: wall time from the manager's start to the last file's first result collected (listing,
      pre-imports, forks, parses, DB writes: what a restarted DAG processor takes to load the folder).
    - parent peak RSS: the manager process's VmHWM at the end.

Targets (--check exits 1 when one is missed, naming the file and figure):
    every file's steady-state parse (median of loops 2..) <= 2x the floor's, on every venv; the first loop of
    the whole folder < 15 s; no parse of any file in any loop over 1 s (Composer's parse-time flag).
This is a benchmark to run by hand (`make benchmark`), not a timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAGS = REPO / "dags"
DEFAULT_VENVS = (REPO / ".venv", REPO / ".venv-airflow2")
FLOOR_FILE = "floor_two_tasks.py"
STEADY_RATIO_TARGET = 2.0
FIRST_LOOP_TARGET_S = 15.0
PARSE_FLAG_S = 1.0

# The floor: a minimal two-task DAG (two EmptyOperators), importing what each Airflow version documents.
FLOOR_DAG = {
    3: "from airflow.providers.standard.operators.empty import EmptyOperator\nfrom airflow.sdk import DAG\n",
    2: "from airflow.models.dag import DAG\nfrom airflow.operators.empty import EmptyOperator\n",
}
FLOOR_BODY = """
from datetime import datetime

with DAG(dag_id="floor_two_tasks", schedule=None, start_date=datetime(2024, 1, 1), catchup=False):
    EmptyOperator(task_id="first") >> EmptyOperator(task_id="second")
"""


# --- inside the benchmarked venv: Airflow's DAG processor with observers ------------------------------------

_fork_t = 0.0  # set in the parent just before each fork; the child inherits it


def _memory_kib() -> dict[str, int]:
    status = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            status[key] = int(value.split()[0])
    private = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                private += int(line.split()[1])
    return {"hwm_kib": status.get("VmHWM", 0), "rss_kib": status.get("VmRSS", 0), "private_kib": private}


class Recorder:
    """Appends one JSON line per event to the --out file (parent and children alike, O_APPEND)."""

    def __init__(self, out: Path, folder: Path, profile: Path | None):
        self.out, self.folder, self.profile = out, folder, profile

    def rel(self, path) -> str:
        return os.path.relpath(os.fspath(path), self.folder)

    def write(self, **event) -> None:
        with open(self.out, "a") as handle:
            handle.write(json.dumps(event) + "\n")

    def preimport(self, import_modules):
        """Wraps the parent's pre-import of one file; marks the fork that follows it."""

        def observed(*args, **kwargs):
            global _fork_t
            path = next(a for a in args if isinstance(a, str | os.PathLike))
            before, start = len(sys.modules), time.monotonic()
            try:
                return import_modules(*args, **kwargs)
            finally:
                end = time.monotonic()
                self.write(
                    event="preimport", file=self.rel(path), seconds=end - start, modules=len(sys.modules) - before
                )
                _fork_t = time.monotonic()

        return observed

    def child_parse(self, parse, path_of):
        """Wraps the child's parse function: its time since the fork, memory, and the modules it imported."""

        def observed(*args, **kwargs):
            name = self.rel(path_of(*args, **kwargs))
            profiler = cProfile.Profile() if self.profile else None
            before, start = set(sys.modules), time.monotonic()
            try:
                if profiler:
                    return profiler.runcall(parse, *args, **kwargs)
                return parse(*args, **kwargs)
            finally:
                end = time.monotonic()
                imported = sorted(set(sys.modules) - before)
                if profiler:
                    profiler.dump_stats(self.profile / f"{name.replace('/', '.')}.{os.getpid()}.prof")
                self.write(
                    event="child",
                    file=name,
                    pid=os.getpid(),
                    setup_s=start - _fork_t,
                    parse_s=end - start,
                    child_s=end - _fork_t,
                    cpu_s=sum(os.times()[:2]),
                    imported=imported,
                    **_memory_kib(),
                )

        return observed

    def collected(self, file: str, duration: float) -> None:
        self.write(event="collected", file=file, duration_s=duration, t=time.monotonic(), **_memory_kib())


def drive_airflow3(rec: Recorder, runs: int) -> None:
    from airflow.configuration import conf
    from airflow.dag_processing import manager, processor

    processor._pre_import_airflow_modules = rec.preimport(processor._pre_import_airflow_modules)
    processor._parse_file = rec.child_parse(processor._parse_file, lambda msg, log: msg.file)
    process_parse_results = manager.process_parse_results

    def observed_results(**kwargs):
        stat = process_parse_results(**kwargs)
        rec.collected(kwargs["relative_fileloc"], kwargs["run_duration"])
        return stat

    manager.process_parse_results = observed_results
    rec.write(
        event="start",
        t=time.monotonic(),
        pre_import=conf.getboolean("dag_processor", "parsing_pre_import_modules"),
        parsing_processes=conf.getint("dag_processor", "parsing_processes"),
    )
    manager.DagFileProcessorManager(max_runs=runs).run()


def drive_airflow2(rec: Recorder, runs: int, folder: Path) -> None:
    from datetime import timedelta

    from airflow.configuration import conf
    from airflow.dag_processing import manager, processor

    process_cls, file_processor = processor.DagFileProcessorProcess, processor.DagFileProcessor
    process_cls.import_modules = rec.preimport(process_cls.import_modules)
    file_processor.process_file = rec.child_parse(
        file_processor.process_file, lambda self, file_path, *a, **k: file_path
    )
    collect = manager.DagFileProcessorManager._collect_results_from_processor

    def observed_collect(self, proc):
        collect(self, proc)
        rec.collected(rec.rel(proc.file_path), self._file_stats[proc.file_path].last_duration.total_seconds())

    manager.DagFileProcessorManager._collect_results_from_processor = observed_collect
    rec.write(
        event="start",
        t=time.monotonic(),
        pre_import=conf.getboolean("scheduler", "parsing_pre_import_modules"),
        parsing_processes=conf.getint("scheduler", "parsing_processes"),
    )
    manager.DagFileProcessorManager(
        dag_directory=folder,
        max_runs=runs,
        processor_timeout=timedelta(seconds=conf.getint("core", "dag_file_processor_timeout")),
        dag_ids=None,
        pickle_dags=False,
        signal_conn=None,
        async_mode=True,
    ).start()


def drive(folder: Path, runs: int, out: Path, profile: Path | None) -> None:
    import airflow

    rec = Recorder(out, folder, profile)
    if int(airflow.__version__.split(".")[0]) >= 3:
        drive_airflow3(rec, runs)
    else:
        drive_airflow2(rec, runs, folder)
    rec.write(event="end", t=time.monotonic(), airflow=airflow.__version__, **_memory_kib())


# --- the orchestrator -----------------------------------------------------------------------------------------


def airflow_env(home: Path, db: Path, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{db}",
        AIRFLOW__CORE__DAGS_FOLDER=str(folder),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        # Airflow 3 reads [dag_processor], Airflow 2 [scheduler]; each ignores the other's.
        AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="0",
        AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES="1",
        AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL="0",
        AIRFLOW__SCHEDULER__PARSING_PROCESSES="1",
        AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR="True",
    )
    return env


def run_logged(cmd: list[str], env: dict[str, str], log: Path, what: str, timeout: int) -> None:
    with open(log, "w") as handle:
        done = subprocess.run(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if done.returncode:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise SystemExit(f"{what} failed (exit {done.returncode}); last lines of {log}:\n{tail}")


def airflow_version(python: Path) -> str:
    return subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('apache-airflow'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def folder_view(folder: Path, floor_dag: str, view: Path) -> None:
    """`view` shows every entry of `folder` (symlinks, so the files parsed are the folder's own) plus the floor."""
    if (folder / FLOOR_FILE).exists():
        raise SystemExit(f"{folder} already has a {FLOOR_FILE}: rename it")
    view.mkdir(parents=True)
    for entry in folder.iterdir():
        if entry.name != "__pycache__":
            (view / entry.name).symlink_to(entry)
    (view / FLOOR_FILE).write_text(floor_dag)


def measure_venv(venv: Path, folder: Path, loops: int, work: Path, profile: Path | None) -> dict:
    """A fresh metadata DB; a first processor run writes the DAGs (deploy); a second, fresh, is measured."""
    python = venv / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{venv} has no Python: run `make setup` (.venv) or `make setup-airflow2` (.venv-airflow2)")
    version = airflow_version(python)
    home = work / f"airflow-{version}"
    view = home / "dags"
    folder_view(folder, FLOOR_DAG[int(version.split(".")[0])] + FLOOR_BODY, view)
    env = airflow_env(home, home / "airflow.db", view)
    run_logged([python, "-m", "airflow", "db", "migrate"], env, home / "migrate.log", f"db migrate ({venv})", 600)
    runs = {}
    for run, count, profile_dir in (("deploy", 1, None), ("restart", 1 + loops, profile)):
        out = home / f"{run}.jsonl"
        command = [python, __file__, "--drive", str(view), "--runs", str(count), "--out", str(out)]
        if profile_dir:
            (profile_dir / version).mkdir(parents=True, exist_ok=True)
            command += ["--profile", str(profile_dir / version)]
        run_logged(command, env, home / f"{run}.log", f"the DAG processor over {folder} ({venv})", 1800)
        runs[run] = summarize([json.loads(line) for line in out.read_text().splitlines()])
    return {
        "airflow": version,
        "venv": str(venv),
        "deploy_first_loop_s": runs["deploy"]["first_loop_s"],
        **runs["restart"],
    }


def summarize(events: list[dict]) -> dict:
    """Per file: the first loop's pre-import and parse, the steady loops' parses, memory; the folder's figures."""
    start = next(e for e in events if e["event"] == "start")
    end = next(e for e in events if e["event"] == "end")
    seen: dict[str, dict[str, list]] = {}
    for e in events:
        if "file" in e:
            seen.setdefault(e["file"], {"preimport": [], "child": [], "collected": []})[e["event"]].append(e)
    files = {}
    for name, row in sorted(seen.items()):
        children = row["child"]
        steady = children[1:] or children
        files[name] = {
            "preimport_first_s": row["preimport"][0]["seconds"],
            "preimport_modules": row["preimport"][0]["modules"],
            "first_s": children[0]["child_s"],
            "steady_s": statistics.median(c["child_s"] for c in steady),
            "steady_cpu_s": statistics.median(c["cpu_s"] for c in steady),
            "steady_setup_s": statistics.median(c["setup_s"] for c in steady),
            "max_s": max(c["child_s"] for c in children),
            "processor_durations_s": [c["duration_s"] for c in row["collected"]],
            "child_peak_kib": max(c["hwm_kib"] for c in children),
            "child_private_kib": max(c["private_kib"] for c in children),
            "child_imports": children[-1]["imported"],
            "loops": len(children),
        }
    return {
        "floor": files.pop(FLOOR_FILE),
        "files": files,
        "first_loop_s": max(row["collected"][0]["t"] for row in seen.values()) - start["t"],
        "parent_peak_kib": end["hwm_kib"],
        "pre_import": start["pre_import"],
        "parsing_processes": start["parsing_processes"],
    }


def misses(results: list[dict]) -> list[str]:
    found = []
    for r in results:
        floor, tag = r["floor"]["steady_s"], f"Airflow {r['airflow']}"
        for name, f in r["files"].items():
            if f["steady_s"] > STEADY_RATIO_TARGET * floor:
                found.append(
                    f"{tag}: {name}: steady-state parse {f['steady_s'] * 1000:.0f} ms is {f['steady_s'] / floor:.1f}x "
                    f"the floor's {floor * 1000:.0f} ms (target <= {STEADY_RATIO_TARGET:g}x)"
                )
            if f["max_s"] > PARSE_FLAG_S:
                found.append(f"{tag}: {name}: a parse took {f['max_s']:.2f} s (flagged above {PARSE_FLAG_S:g} s)")
        if r["first_loop_s"] >= FIRST_LOOP_TARGET_S:
            found.append(
                f"{tag}: the first loop over the folder took {r['first_loop_s']:.1f} s "
                f"(target < {FIRST_LOOP_TARGET_S:g} s)"
            )
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def table(r: dict) -> str:
    floor, files = r["floor"], r["files"]
    lines = [
        f"Airflow {r['airflow']}: pre-import {'on' if r['pre_import'] else 'OFF'}, "
        f"{r['parsing_processes']} parsing process, 1 + {floor['loops'] - 1} loops. First loop of a fresh DAG "
        f"processor over the folder: {r['first_loop_s']:.1f} s (into an empty metadata DB: "
        f"{r['deploy_first_loop_s']:.1f} s). DAG processor (parent) peak RSS: {_mib(r['parent_peak_kib'])}.",
        "",
        "| DAG file | first loop: pre-import + parse | steady parse (CPU) | x floor | child peak RSS (private) "
        "| modules imported in the child |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, f: dict, ratio: float) -> str:
        return (
            f"| {name} | {_ms(f['preimport_first_s'])} + {_ms(f['first_s'])} "
            f"| {_ms(f['steady_s'])} ({_ms(f['steady_cpu_s'])}) | {ratio:.1f} "
            f"| {_mib(f['child_peak_kib'])} ({_mib(f['child_private_kib'])}) | {len(f['child_imports'])} |"
        )

    lines.append(row("floor: two `EmptyOperator`s", floor, 1.0))
    lines += [row(f"`{name}`", f, f["steady_s"] / floor["steady_s"]) for name, f in files.items()]
    first = sum(f["preimport_first_s"] + f["first_s"] for f in [floor, *files.values()])
    steady = sum(f["steady_s"] for f in files.values())
    lines.append(f"| **whole folder** | {first:.2f} s | {steady:.2f} s per loop | | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--loops", type=int, default=5, help="steady-state loops after the first (default 5)")
    parser.add_argument("--venv", type=Path, action="append", help="venv to benchmark (repeatable)")
    parser.add_argument("--dags-folder", type=Path, default=DAGS, help="folder to parse (default dags/)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary AIRFLOW_HOMEs and logs")
    parser.add_argument("--profile", type=Path, help="write a cProfile of every child's parse into this folder")
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args.drive.resolve(), args.runs, args.out, args.profile)
        return 0
    if args.loops < 1:
        parser.error("--loops must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="genops-parse-benchmark-"))
    try:
        results = [
            measure_venv(
                venv.absolute(), args.dags_folder.resolve(), args.loops, work, args.profile and args.profile.resolve()
            )
            for venv in (args.venv or DEFAULT_VENVS)
        ]
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{time.strftime('%Y-%m-%d', time.gmtime())}, {platform.node()}: {os.cpu_count()} CPUs, {platform.machine()}")
    for r in results:
        print()
        print(table(r))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    problems = misses(results)
    for problem in problems:
        print(f"MISSED TARGET: {problem}", file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
