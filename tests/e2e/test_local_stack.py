"""End to end: `make local`'s stack (scripts/local/airflow_local.py) on free loopback ports, driven through
Airflow's REST API as a user would, then stopped; no process it started may outlive the test.

Run with `make test-e2e` (CI runs it from .ci/run). Bounded: the stack must be healthy within
STARTUP_SECONDS, the DAG run must finish within RUN_SECONDS, and the whole module within TOTAL_SECONDS
(SIGALRM); teardown kills whatever is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import DAGS_FOLDER, REPO

RUNNER = REPO / "scripts" / "local" / "airflow_local.py"
STARTUP_SECONDS = 240
RUN_SECONDS = 150
STOP_SECONDS = 60
TOTAL_SECONDS = 480  # about 2.5 min on a busy 2-core machine

# The DAG run that needs no cloud: supervised_fine_tuning waits for and validates the training file in the
# local data bucket (both run for real); its next task, which starts the tuning job, needs Google Cloud.
VALIDATION_DAG = "supervised_fine_tuning"
LOCAL_TASKS = ("tuning.wait_for_training_data", "tuning.validate_training_data")
CLOUD_TASK = "tuning.start_tuning_job"


def expected_dag_ids() -> set[str]:
    """Every DAG id the DAGs folder defines, read from the files (one `dag_id` literal per DAG file)."""
    import re

    ids = set()
    ignored = (DAGS_FOLDER / "genops",)
    for path in DAGS_FOLDER.rglob("*.py"):
        if any(parent in ignored for parent in path.parents):
            continue
        ids.update(re.findall(r"""lab_dag\(\s*["']([a-z0-9_]+)["']""", path.read_text()))
    return ids


class Api:
    def __init__(self, url: str, login: list[str] | None):
        self.url, self.token = url, None
        if login:
            self.token = self.call("POST", "/auth/token", {"username": login[0], "password": login[1]})["access_token"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **self.auth},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            raise AssertionError(f"{method} {path}: HTTP {err.code} {err.read().decode(errors='replace')}") from None


def processes_of(state: Path) -> list[psutil.Process]:
    """This stack's processes: AIRFLOW_HOME under `state` or `state` on the command line, and their children.

    PostgreSQL's postmaster has its data directory on the command line; its backends are its children.
    """
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid == os.getpid():
                continue
            if str(state) in " ".join(proc.info["cmdline"] or []) or str(state) in proc.environ().get(
                "AIRFLOW_HOME", ""
            ):
                found.append(proc)
        except psutil.Error:
            continue
    for proc in list(found):
        with contextlib.suppress(psutil.Error):
            found += proc.children(recursive=True)
    return list(set(found))


@pytest.fixture(scope="module")
def stack():
    """Start the stack as `make local` does; always stop it and leave nothing behind."""
    state = Path(tempfile.mkdtemp(prefix="genops-e2e-"))
    os.chmod(state, 0o755)  # PostgreSQL runs as its own user when we are root
    data = state / "data"
    env_file = state / "local.env"
    env_file.write_text((REPO / "local.env.example").read_text() + f"\nGENOPS_DATA_BUCKET={data}\n")
    ready_file, output = state / "ready.json", state / "runner.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GENOPS_"))}
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)  # the no-credentials case is the one under test
    command = [sys.executable, str(RUNNER), "--env-file", str(env_file), "--state", str(state / "stack")]
    command += ["--port", "0", "--ready-file", str(ready_file), "--timeout", str(STARTUP_SECONDS)]
    command += ["--db", os.environ.get("AIRFLOW_LOCAL_DB", "auto")]  # auto: PostgreSQL when installed
    started = time.monotonic()

    def out_of_time(signum, frame):
        raise TimeoutError(f"the end-to-end test took more than {TOTAL_SECONDS} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TOTAL_SECONDS)
    with open(output, "w") as out:
        runner = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def log() -> str:
        return output.read_text(errors="replace")[-4000:]

    try:
        while not ready_file.exists():
            if runner.poll() is not None:
                pytest.fail(f"the local stack exited with {runner.returncode} before it was ready:\n{log()}")
            if time.monotonic() - started > STARTUP_SECONDS + 30:
                pytest.fail(f"the local stack was not ready in {STARTUP_SECONDS} s:\n{log()}")
            time.sleep(1)
        info = json.loads(ready_file.read_text())
        info.update(
            state=state / "stack", data=data, runner=runner, log=log, startup_seconds=time.monotonic() - started
        )
        yield info
    finally:  # a safety net: the last test stops the stack itself and checks; a failed test ends up here
        signal.alarm(0)
        _stop(runner)
        for proc in processes_of(state):  # only ever processes of this stack
            with contextlib.suppress(psutil.Error):
                proc.kill()
        _stop_postgres(state / "stack")
        shutil.rmtree(state, ignore_errors=True)


def _stop(runner: subprocess.Popen) -> bool:
    """SIGTERM the runner (as Ctrl-C does) and wait; SIGKILL its process group if it does not stop."""
    if runner.poll() is None:
        runner.send_signal(signal.SIGTERM)
    try:
        runner.wait(timeout=STOP_SECONDS)
        return True
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(runner.pid, signal.SIGKILL)
        runner.wait()
        return False


def _stop_postgres(state: Path) -> None:
    """Belt and braces: a PostgreSQL the runner could not stop is stopped through its own data directory."""
    sys.path.insert(0, str(RUNNER.parent))
    try:
        from airflow_local import Postgres, postgres_bin
    finally:
        sys.path.pop(0)
    bindir = postgres_bin()
    if bindir and (state / "pgdata" / "postmaster.pid").exists():
        Postgres(state, bindir).stop()


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack["url"], stack["login"])


def test_every_dag_is_loaded_with_no_import_errors(stack, api):
    expected = expected_dag_ids()
    assert {"generate_content", "count_tokens", "run_evaluation", VALIDATION_DAG} <= expected
    deadline = time.monotonic() + 120  # the DAG processor may still be writing the last files
    while True:
        loaded = {dag["dag_id"] for dag in api.call("GET", "/api/v2/dags?limit=1000")["dags"]}
        errors = api.call("GET", "/api/v2/importErrors")
        if expected <= loaded or errors["total_entries"] or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert errors["total_entries"] == 0, errors["import_errors"]
    assert expected <= loaded, f"not loaded: {sorted(expected - loaded)}"
    print(f"\n{len(loaded)} DAGs, no import errors; stack ({stack['db']}) ready in {stack['startup_seconds']:.0f} s")


def test_local_training_data_validation_runs_and_cloud_task_says_credentials_are_missing(stack, api):
    api.call("PATCH", f"/api/v2/dags/{VALIDATION_DAG}", {"is_paused": False})
    run = api.call("POST", f"/api/v2/dags/{VALIDATION_DAG}/dagRuns", {"logical_date": None})
    run_path = f"/api/v2/dags/{VALIDATION_DAG}/dagRuns/{urllib.parse.quote(run['dag_run_id'], safe='')}"
    deadline = time.monotonic() + RUN_SECONDS
    while api.call("GET", run_path)["state"] not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run not finished in {RUN_SECONDS} s:\n{stack['log']()}"
        time.sleep(2)
    states = {ti["task_id"]: ti["state"] for ti in api.call("GET", f"{run_path}/taskInstances")["task_instances"]}

    for task_id in LOCAL_TASKS:
        assert states[task_id] == "success", states
    summary = api.call("GET", f"{run_path}/taskInstances/{LOCAL_TASKS[-1]}/xcomEntries/return_value")["value"]
    summary = json.loads(summary) if isinstance(summary, str) else summary
    assert summary["examples"] >= 16 and summary["gcs_uri"].startswith("file://"), summary
    assert states[CLOUD_TASK] == "failed", states
    log = api.call("GET", f"{run_path}/taskInstances/{CLOUD_TASK}/logs/1?full_content=true")
    text = json.dumps(log)
    assert "Google Cloud credentials are missing" in text and "gcloud auth application-default login" in text


def test_ctrl_c_stops_every_process_it_started_and_nothing_else(stack):
    runner, state = stack["runner"], stack["state"]
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])  # not the stack's
    try:
        started = {proc for proc in [psutil.Process(runner.pid), *psutil.Process(runner.pid).children(recursive=True)]}
        started |= {proc for proc in processes_of(state.parent) if proc.pid != bystander.pid}
        names = " ".join(" ".join(proc.cmdline()) for proc in started)
        for component in ("api_server", "scheduler", "dag-processor", "triggerer"):
            assert component in names, f"{component} is not running: {names}"
        if stack["db"] == "postgres":
            assert stack["postgres_data"] in names, "PostgreSQL is not running"

        runner.send_signal(signal.SIGINT)  # what Ctrl-C sends to `make local`
        assert runner.wait(timeout=STOP_SECONDS) == 0, stack["log"]()

        _, alive = psutil.wait_procs(list(started), timeout=5)
        assert not alive, f"still running after Ctrl-C: {[proc.cmdline() for proc in alive]}"
        assert not processes_of(state.parent), "a process of the stack is still running"
        assert not (state / "pgdata" / "postmaster.pid").exists(), "PostgreSQL was not stopped with pg_ctl"
        assert bystander.poll() is None, "stopping the stack must not stop anything it did not start"
        assert "stopped api-server, scheduler, dag-processor, triggerer" in stack["log"]()
    finally:
        bystander.kill()
        bystander.wait()
