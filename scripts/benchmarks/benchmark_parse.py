"""Parse-time benchmark: Airflow's own DAG processor parses `dags/`, loop after loop, on each pinned Airflow.

    .venv/bin/python scripts/benchmarks/benchmark_parse.py [--check] [--loops N] [--venv DIR ...] [--dags-folder DIR]

What runs: Airflow's own code
    For each venv (default `.venv`, Airflow 3.2.2, and `.venv-airflow2`, Airflow 2.11.1) the script makes a
    temporary AIRFLOW_HOME with a real SQLite metadata DB (`airflow db migrate`) and runs, in a fresh
    interpreter, the real `airflow dag-processor --num-runs N` command: on Airflow 3 through `airflow.__main__`
    (the DagProcessorJobRunner and its DagFileProcessorManager loop); on Airflow 2 the command's body (job runner,
    manager in standalone mode, `run_job`) without its refusal of SQLite, which guards against a scheduler
    writing alongside; none runs here. For every file the long-lived parent pre-imports the file's top-level
    `airflow.*` imports (`[dag_processor]` / Airflow 2 `[scheduler] parsing_pre_import_modules`, on by default)
    and forks a child that parses the file and serializes its DAGs (Airflow 2's child also writes them to the
    DB; Airflow 3's parent does).
    It runs twice over the same DB: "deploy" (1 loop into the empty DB, which also fills the bytecode cache)
    and "restart" (a fresh processor, 1 + --loops loops), which is what the tables report.

What is arranged around it, and why
    - The floor, a minimal two-task DAG (two EmptyOperators: FLOOR_IMPORTS + FLOOR_BODY), is parsed in the
      same processor run, interleaved with the DAG files, so it sees the same parent and the same machine load:
      the processor is pointed at a folder holding symlinks to every entry of the DAGs folder (the files parsed
      are the real ones; `genops` is imported through the symlink) plus the floor file.
    - Settings changed from Airflow's defaults: `min_file_process_interval = 0` (loops back to back);
      `parsing_processes = 1` (one file at a time: each figure is the file's own on a 2-core machine;
      Airflow 2 forces 1 on SQLite anyway); Airflow 2's `standalone_dag_processor = True` (Composer 3 runs a
      separate DAG processor). Python's bytecode cache is on, in the run's own folder (PYTHONPYCACHEPREFIX):
      `uv pip install` writes no .pyc and PYTHONDONTWRITEBYTECODE may be set, and without a cache every child
      would compile from source each module it imports, which a processor with compiled packages does not.
    - Observers, installed before the command starts, wrap three functions and call them unchanged: the
      parent's pre-import (`processor._pre_import_airflow_modules` on 3, `DagFileProcessorProcess.import_modules`
      on 2) to time it and mark the fork that follows; the child's parse (`processor._parse_file` on 3,
      `DagFileProcessor.process_file` on 2) to time it and read the child's memory; and the manager's result
      collection (`manager.process_parse_results` on 3, `_collect_results_from_processor` on 2) for the
      manager's own per-file duration and the parent's memory. Each writes one JSON line per event.

What is reported, per file
    first loop: the parent's pre-import + the child's parse in the restart run's first loop.
    steady parse: wall time in the forked child, from just before the fork to the end of the processor's parse
        function (fork, child set-up, importing the file and whatever it imports that the parent has not,
        building and serializing the DAGs), median of the steady loops; CPU: the child's CPU time
        (`time.process_time`) over the same span, median.
    child peak RSS (VmHWM, shared copy-on-write pages included) and private memory (smaps_rollup Private_*);
    the modules the child imported that the parent had not (`--json` lists them; `--profile DIR` writes a
    cProfile of every child's parse).
    Per folder: the first loop's wall time (from the command's start to the last file's first result
    collected by the manager), the deploy run's, and the DAG processor parent's peak RSS.

Targets (--check exits 1 and names the file and figure when one is missed)
    - steady-state parse within 2x the floor's (medians of the steady loops), on both its wall time and its
      CPU time: CPU catches a parse that computes too much even when waiting for a core inflates the wall
      times; wall catches one that waits (network, disk, sleep);
    - the restart run's first loop over the whole folder under 15 s;
    - no file's parse (first loop, or the steady median) over 1 s, the parse time Composer flags.
The deploy run (new DAGs into an empty DB) is reported, not checked: Airflow 2 then also syncs DAG permissions,
which makes even the floor's first parse slow. A benchmark to run by hand (`make benchmark`), not a timed test.
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

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
DEFAULT_VENVS = (REPO / ".venv", REPO / ".venv-airflow2")
FLOOR_FILE = "floor_two_tasks.py"
RATIO_TARGET = 2.0
FIRST_LOOP_TARGET_S = 15.0
PARSE_FLAG_S = 1.0

# The floor: a minimal two-task DAG, importing from where each Airflow version documents its classes.
FLOOR_IMPORTS = {
    3: "from airflow.providers.standard.operators.empty import EmptyOperator\nfrom airflow.sdk import DAG\n",
    2: "from airflow.models.dag import DAG\nfrom airflow.operators.empty import EmptyOperator\n",
}
FLOOR_BODY = """
from datetime import datetime

with DAG(dag_id="floor_two_tasks", schedule=None, start_date=datetime(2024, 1, 1), catchup=False):
    EmptyOperator(task_id="first") >> EmptyOperator(task_id="second")
"""


# --- inside the benchmarked venv: the real `airflow dag-processor`, observed --------------------------------

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
    """Appends one JSON line per event to the events file (the parent and each child alike)."""

    def __init__(self, out: Path, folder: Path, profile: Path | None):
        self.out, self.folder, self.profile = out, folder, profile

    def rel(self, path) -> str:
        return os.path.relpath(os.fspath(path), self.folder)

    def write(self, **event) -> None:
        with open(self.out, "a") as handle:
            handle.write(json.dumps(event) + "\n")

    def preimport(self, import_modules):
        """Wraps the parent's pre-import for one file; the fork follows it."""

        def observed(*args, **kwargs):
            global _fork_t
            path = next(a for a in args if isinstance(a, str | os.PathLike))
            before, start = len(sys.modules), time.monotonic()
            try:
                return import_modules(*args, **kwargs)
            finally:
                end = time.monotonic()
                added = len(sys.modules) - before
                self.write(event="preimport", file=self.rel(path), seconds=end - start, modules=added)
                _fork_t = time.monotonic()

        return observed

    def child_parse(self, parse, path_of):
        """Wraps the child's parse: time since the fork, CPU, memory, the modules the parent did not have."""

        def observed(*args, **kwargs):
            name = self.rel(path_of(*args, **kwargs))
            profiler = cProfile.Profile() if self.profile else None
            before, start = set(sys.modules), time.monotonic()
            try:
                return profiler.runcall(parse, *args, **kwargs) if profiler else parse(*args, **kwargs)
            finally:
                end, cpu = time.monotonic(), time.process_time()
                if profiler:
                    profiler.dump_stats(self.profile / f"{name.replace('/', '.')}.{os.getpid()}.prof")
                self.write(
                    event="child",
                    file=name,
                    wall_s=end - _fork_t,
                    cpu_s=cpu,
                    setup_s=start - _fork_t,
                    imported=sorted(set(sys.modules) - before),
                    **_memory_kib(),
                )

        return observed

    def collected(self, file: str, duration: float) -> None:
        self.write(event="collected", file=file, duration_s=duration, t=time.monotonic(), **_memory_kib())


def observe_airflow3(rec: Recorder) -> dict:
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
    return {
        "pre_import": conf.getboolean("dag_processor", "parsing_pre_import_modules"),
        "parsing_processes": conf.getint("dag_processor", "parsing_processes"),
    }


def observe_airflow2(rec: Recorder) -> dict:
    from airflow.configuration import conf
    from airflow.dag_processing import manager, processor

    process, file_processor = processor.DagFileProcessorProcess, processor.DagFileProcessor
    process.import_modules = rec.preimport(process.import_modules)
    file_processor.process_file = rec.child_parse(file_processor.process_file, lambda self, file_path, **_: file_path)
    collect = manager.DagFileProcessorManager._collect_results_from_processor

    def observed_collect(self, proc):
        collect(self, proc)
        rec.collected(rec.rel(proc.file_path), self._file_stats[proc.file_path].last_duration.total_seconds())

    manager.DagFileProcessorManager._collect_results_from_processor = observed_collect
    return {
        "pre_import": conf.getboolean("scheduler", "parsing_pre_import_modules"),
        "parsing_processes": conf.getint("scheduler", "parsing_processes"),
    }


def run_airflow3_dag_processor(runs: int) -> None:
    """`airflow dag-processor --num-runs N`, through Airflow's own CLI entry point."""
    from airflow.__main__ import main as airflow_main

    sys.argv = ["airflow", "dag-processor", "--num-runs", str(runs)]
    airflow_main()


def run_airflow2_dag_processor(runs: int) -> None:
    """The body of Airflow 2's `airflow dag-processor` command, run as the command runs it, with one step left
    out: the command refuses SQLite (against a scheduler writing alongside; none runs here)."""
    from airflow.cli import cli_parser
    from airflow.cli.commands import dag_processor_command
    from airflow.cli.commands.daemon_utils import run_command_with_daemon_option
    from airflow.dag_processing.manager import reload_configuration_for_dag_processing
    from airflow.jobs.job import run_job
    from airflow.utils.providers_configuration_loader import providers_configuration_loaded

    @providers_configuration_loaded
    def command(args):
        job_runner = dag_processor_command._create_dag_processor_job_runner(args)
        reload_configuration_for_dag_processing()
        run_command_with_daemon_option(
            args=args,
            process_name="dag-processor",
            callback=lambda: run_job(job=job_runner.job, execute_callable=job_runner._execute),
            should_setup_logging=True,
        )

    command(cli_parser.get_parser().parse_args(["dag-processor", "--num-runs", str(runs)]))


def drive(folder: Path, runs: int, out: Path, profile: Path | None) -> None:
    import airflow

    rec = Recorder(out, folder, profile)
    airflow3 = int(airflow.__version__.split(".")[0]) >= 3
    settings = observe_airflow3(rec) if airflow3 else observe_airflow2(rec)
    rec.write(event="start", t=time.monotonic(), airflow=airflow.__version__, **settings)
    (run_airflow3_dag_processor if airflow3 else run_airflow2_dag_processor)(runs)
    rec.write(event="end", t=time.monotonic(), **_memory_kib())


# --- the orchestrator ---------------------------------------------------------------------------------------


def airflow_env(home: Path, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
        AIRFLOW_HOME=str(home),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}",
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


def run_logged(cmd: list, env: dict[str, str], log: Path, what: str) -> None:
    with open(log, "w") as handle:
        done = subprocess.run(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=1800, check=False)
    if done.returncode:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise SystemExit(f"{what} failed (exit {done.returncode}); the end of {log}:\n{tail}")


def folder_view(folder: Path, floor_dag: str, view: Path) -> None:
    """`view` shows every entry of `folder` (symlinks: the files parsed are the folder's own) and the floor."""
    if (folder / FLOOR_FILE).exists():
        raise SystemExit(f"{folder} already has a {FLOOR_FILE}: rename it")
    view.mkdir(parents=True)
    for entry in folder.iterdir():
        if entry.name != "__pycache__":
            (view / entry.name).symlink_to(entry)
    (view / FLOOR_FILE).write_text(floor_dag)


def measure_venv(venv: Path, folder: Path, loops: int, work: Path, profile: Path | None) -> dict:
    python = venv / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{venv} has no Python: run `make setup` (.venv) or `make setup-airflow2` (.venv-airflow2)")
    version = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('apache-airflow'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    home = work / f"airflow-{version}"
    view = home / "dags"
    folder_view(folder, FLOOR_IMPORTS[int(version.split(".")[0])] + FLOOR_BODY, view)
    env = airflow_env(home, view)
    run_logged([python, "-m", "airflow", "db", "migrate"], env, home / "migrate.log", f"db migrate ({venv})")
    runs = {}
    for run, count in (("deploy", 1), ("restart", 1 + loops)):
        command = [python, __file__, "--drive", view, "--runs", str(count), "--out", home / f"{run}.jsonl"]
        if profile and run == "restart":
            (profile / version).mkdir(parents=True, exist_ok=True)
            command += ["--profile", profile / version]
        run_logged(command, env, home / f"{run}.log", f"airflow dag-processor over {folder} ({venv})")
        runs[run] = summarize([json.loads(line) for line in (home / f"{run}.jsonl").read_text().splitlines()])
    return {"venv": str(venv), **runs["restart"], "deploy_first_loop_s": runs["deploy"]["first_loop_s"]}


def summarize(events: list[dict]) -> dict:
    """Per file: first-loop pre-import and parse, steady-loop medians, memory; the folder's first loop."""
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
            "preimport_s": row["preimport"][0]["seconds"],
            "preimport_modules": row["preimport"][0]["modules"],
            "first_s": children[0]["wall_s"],
            "steady_s": statistics.median(c["wall_s"] for c in steady),
            "steady_cpu_s": statistics.median(c["cpu_s"] for c in steady),
            "walls_s": [c["wall_s"] for c in children],
            "processor_durations_s": [c["duration_s"] for c in row["collected"]],
            "child_peak_kib": max(c["hwm_kib"] for c in children),
            "child_private_kib": max(c["private_kib"] for c in children),
            "child_imports": children[-1]["imported"],
            "loops": len(children),
        }
    return {
        "airflow": start["airflow"],
        "pre_import": start["pre_import"],
        "parsing_processes": start["parsing_processes"],
        "floor": files.pop(FLOOR_FILE),
        "files": files,
        "first_loop_s": max(row["collected"][0]["t"] for row in seen.values()) - start["t"],
        "parent_peak_kib": end["hwm_kib"],
    }


def misses(results: list[dict]) -> list[str]:
    found = []
    for r in results:
        floor, tag = r["floor"], f"Airflow {r['airflow']}"
        for name, f in r["files"].items():
            for key, what in (("steady_s", "wall time"), ("steady_cpu_s", "CPU time")):
                if f[key] > RATIO_TARGET * floor[key]:
                    found.append(
                        f"{tag}: {name}: steady-state parse {what} {_ms(f[key])} is {f[key] / floor[key]:.1f}x "
                        f"the floor's {_ms(floor[key])} (target <= {RATIO_TARGET:g}x)"
                    )
            slowest = max(f["first_s"], f["steady_s"])
            if slowest > PARSE_FLAG_S:
                found.append(f"{tag}: {name}: a parse takes {slowest:.2f} s (flagged over {PARSE_FLAG_S:g} s)")
        if r["first_loop_s"] >= FIRST_LOOP_TARGET_S:
            found.append(
                f"{tag}: the first loop over the folder takes {r['first_loop_s']:.1f} s "
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
        f"Airflow {r['airflow']} (pre-import {'on' if r['pre_import'] else 'OFF'}, {r['parsing_processes']} "
        f"parsing process, 1 + {floor['loops'] - 1} loops): first loop of a fresh DAG processor over the folder "
        f"{r['first_loop_s']:.1f} s (into an empty metadata DB {r['deploy_first_loop_s']:.1f} s); "
        f"DAG processor peak RSS {_mib(r['parent_peak_kib'])}.",
        "",
        "| DAG file | first loop: pre-import + parse | steady parse (CPU) | x floor: wall, CPU "
        "| child peak RSS (private) | modules imported in the child |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, f: dict) -> str:
        return (
            f"| {name} | {_ms(f['preimport_s'])} + {_ms(f['first_s'])} "
            f"| {_ms(f['steady_s'])} ({_ms(f['steady_cpu_s'])}) "
            f"| {f['steady_s'] / floor['steady_s']:.1f}, {f['steady_cpu_s'] / floor['steady_cpu_s']:.1f} "
            f"| {_mib(f['child_peak_kib'])} ({_mib(f['child_private_kib'])}) | {len(f['child_imports'])} |"
        )

    lines.append(row("floor: two `EmptyOperator`s", floor))
    lines += [row(f"`{name}`", f) for name, f in files.items()]
    first = sum(f["preimport_s"] + f["first_s"] for f in files.values())
    wall, cpu = (sum(f[key] for f in files.values()) for key in ("steady_s", "steady_cpu_s"))
    lines.append(f"| **all {len(files)} files** | {first:.2f} s | {wall:.2f} s ({cpu:.2f} s) | | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--loops", type=int, default=7, help="steady-state loops after the first (default 7)")
    parser.add_argument("--venv", type=Path, action="append", help="a venv to run (repeatable; default both)")
    parser.add_argument("--dags-folder", type=Path, default=DAGS, help="the folder to parse (default dags/)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--profile", type=Path, help="write a cProfile of every child's parse under this folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary AIRFLOW_HOMEs, logs and events")
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args.drive, args.runs, args.out, args.profile)
        return 0
    if args.loops < 1:
        parser.error("--loops must be at least 1")
    if not args.dags_folder.is_dir():
        parser.error(f"--dags-folder {args.dags_folder} is not a folder")

    work = Path(tempfile.mkdtemp(prefix="genops-parse-benchmark-"))
    profile = args.profile.resolve() if args.profile else None
    try:
        results = [
            measure_venv(venv.absolute(), args.dags_folder.resolve(), args.loops, work, profile)
            for venv in (args.venv or DEFAULT_VENVS)
        ]
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{time.strftime('%Y-%m-%d', time.gmtime())}, {platform.node()}: {os.cpu_count()} CPUs, {platform.machine()}")
    for r in results:
        print(f"\n{table(r)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    problems = misses(results)
    for problem in problems:
        print(f"MISSED TARGET: {problem}", file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
