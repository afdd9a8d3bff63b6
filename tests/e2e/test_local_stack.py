"""End to end: `make local`'s stack (scripts/local/airflow_local.py) with Google Cloud emulated, on free loopback
ports, driven through Airflow's REST API as a user would, then stopped; no process it started may outlive the test.

With no credentials the runner starts the stand-ins (Cloud Storage emulator, Vertex AI and BigQuery stand-ins, local
ADC), stages the samples and training data, and unpauses the lab DAGs. The test triggers every lab DAG and every
sample that needs no outside service (GREEN_SAMPLES) at once, asserts each run succeeds, and checks what it
produced: the comparison's NDJSON report in the emulated bucket and its rows loaded in BigQuery, the tuned endpoint
the pipeline generated with, the gates' decisions.

Run with `make test-e2e` (CI runs it from .ci/run). Bounded: the stack must be healthy within STARTUP_SECONDS,
the lab runs must finish within RUN_SECONDS, and the whole module within TOTAL_SECONDS (SIGALRM); teardown
kills whatever is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
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
from tests.dags.conftest import EXPECTED_DAG_IDS
from tests.dags.samples import SAMPLE_DAG_IDS

RUNNER = REPO / "scripts" / "local" / "airflow_local.py"
STARTUP_SECONDS = 240
RUN_SECONDS = 1200  # alone on 2 cores the runs take about 260 s; CI runs them beside two other suites
STOP_SECONDS = 60
BATCH_RUN_SECONDS = 360
TOTAL_SECONDS = 2400  # stops a hung run (SIGALRM); a healthy one takes about 7 minutes alone, 13 in .ci/run

LAB_DAGS = tuple(sorted(EXPECTED_DAG_IDS - SAMPLE_DAG_IDS))  # the lab DAGs
# The samples that need no service outside the stand-ins (enhanced_logging fails by design); started paused, the
# test unpauses them. Their inputs are staged with gcloud (scripts/data/stage_samples.sh): without it they are skipped.
GREEN_SAMPLES = (
    "composer_status_report",
    "customer_service_feedback",
    "data_insights",
    "grounded_gemini",
    "mp4_summary",
    "pdf_coalesce",
)


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
        self.url, self.token, self.user = url, None, login[0] if login else None
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
    env_file = state / "local.env"
    env_file.write_text((REPO / "local.env.example").read_text())
    ready_file, output = state / "ready.json", state / "runner.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GENOPS_", "CLOUDSDK_"))}
    for key in ("GOOGLE_APPLICATION_CREDENTIALS", "STORAGE_EMULATOR_HOST", "BIGQUERY_EMULATOR_HOST"):
        env.pop(key, None)  # no credentials and no outside settings: the emulated cloud is the case under test
    env["CLOUDSDK_CONFIG"] = str(state / "no-gcloud-account")  # not the developer's own ADC
    env["LOCAL_IAM_RECORD"] = str(state / "iam-calls.jsonl")  # what the IAM front let through, per identity
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
        info.update(state=state / "stack", runner=runner, log=log, startup_seconds=time.monotonic() - started)
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
    api = Api(stack["url"], stack["login"])
    api.approved = False
    return api


APPROVAL_TASK = "approve_serving"


def answer_approval(api, run_id: str, option: str, comment: str) -> bool:
    """Answer genops_pipeline's approval request through the REST API as an approver does, once it is asked;
    False while the request does not exist yet."""
    path = f"{run_path('genops_pipeline', run_id)}/taskInstances/{APPROVAL_TASK}/-1/hitlDetails"
    try:
        asked = api.call("GET", path)
    except AssertionError as err:
        if "HTTP 404" in str(err):
            return False
        raise
    assert asked["options"] == ["Approve", "Reject"] and "Serve tuned model" in asked["body"], asked
    answer = api.call("PATCH", path, {"chosen_options": [option], "params_input": {"comment": comment}})
    assert answer["chosen_options"] == [option] and answer["responded_by"]["name"] == api.user, answer
    return True


def test_every_dag_is_loaded_with_no_import_errors(stack, api):
    expected = expected_dag_ids()
    assert set(LAB_DAGS) <= expected
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


@contextlib.contextmanager
def emulated_clients(stack):
    """This process's google clients pointed at the stack's stand-ins, with its local credentials. Cloud Storage is
    read from the emulator itself: google-cloud-storage sends no token to an emulator host, and the IAM front
    before it answers such a call 401, as Cloud Storage would."""
    saved = dict(os.environ)
    os.environ.update(stack["cloud_env"])
    os.environ["STORAGE_EMULATOR_HOST"] = stack["cloud_urls"]["gcs"]
    # The test reads as the operator (as a person checking the results would), not as the DAGs' account.
    os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(stack["state"] / "credentials" / "operator_adc.json")
    try:
        yield stack["settings"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_path(dag_id: str, run_id: str) -> str:
    return f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"


def xcom(api, dag_id: str, run_id: str, task_id: str, key: str = "return_value"):
    value = api.call("GET", f"{run_path(dag_id, run_id)}/taskInstances/{task_id}/xcomEntries/{key}")["value"]
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


@pytest.fixture(scope="module")
def lab_runs(stack, api):
    """Trigger every lab DAG and the green samples at once, wait for all to finish;
    {dag_id: (run_id, state, {task: state})}."""
    paused = {d["dag_id"]: d["is_paused"] for d in api.call("GET", "/api/v2/dags?tags=lab&limit=100")["dags"]}
    assert paused == dict.fromkeys(LAB_DAGS, False), f"lab DAGs must start unpaused locally: {paused}"
    samples = GREEN_SAMPLES if shutil.which("gcloud") else ()
    for dag_id in samples:
        api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
    started = time.monotonic()
    runs = {
        d: api.call("POST", f"/api/v2/dags/{d}/dagRuns", {"logical_date": None})["dag_run_id"]
        for d in (*LAB_DAGS, *samples)
    }
    states: dict[str, str] = {}
    while True:
        states = {d: api.call("GET", run_path(d, r))["state"] for d, r in runs.items()}
        if all(state in ("success", "failed") for state in states.values()):
            break
        if not api.approved:  # local.env.example names `admin` in GENOPS_APPROVERS: the pipeline waits for them
            api.approved = answer_approval(api, runs["genops_pipeline"], "Approve", "e2e: metrics look right")
        assert time.monotonic() - started < RUN_SECONDS, f"runs not finished in {RUN_SECONDS} s: {states}"
        time.sleep(3)
    result = {}
    for dag_id, run_id in runs.items():
        tis = api.call("GET", f"{run_path(dag_id, run_id)}/taskInstances?limit=100")["task_instances"]
        tasks = {ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else ""): ti["state"] for ti in tis}
        result[dag_id] = (run_id, states[dag_id], tasks)
    seconds = time.monotonic() - started
    print(f"\n{len(runs)} DAG runs ({len(LAB_DAGS)} lab DAGs, {len(samples)} samples) finished in {seconds:.0f} s")
    return result


def failure_report(api, lab_runs) -> str:
    """Each failed task of each run, with the end of its log, for the assertion message."""
    lines = []
    for dag_id, (run_id, _state, tasks) in lab_runs.items():
        for task, state in tasks.items():
            if state not in ("success", "skipped"):
                lines.append(f"{dag_id}.{task}: {state}")
                if state in ("failed", "upstream_failed") and "[" not in task and state == "failed":
                    log = api.call("GET", f"{run_path(dag_id, run_id)}/taskInstances/{task}/logs/1?full_content=true")
                    events = [str(e.get("event", "")) for e in log.get("content", []) if isinstance(e, dict)]
                    lines.append("    " + " | ".join(events[-4:])[-1200:])
    return "\n".join(lines)


@pytest.mark.parametrize("dag_id", LAB_DAGS)
def test_lab_dag_run_succeeds_on_the_emulated_cloud(api, lab_runs, dag_id):
    _run_id, state, tasks = lab_runs[dag_id]
    assert state == "success", f"{dag_id}: {tasks}\n{failure_report(api, {dag_id: lab_runs[dag_id]})}"


@pytest.mark.parametrize("dag_id", GREEN_SAMPLES)
def test_sample_run_succeeds_on_the_emulated_cloud(api, lab_runs, dag_id):
    if dag_id not in lab_runs:
        pytest.skip("sample inputs not staged: gcloud is not on PATH (install the Google Cloud CLI)")
    _run_id, state, tasks = lab_runs[dag_id]
    assert state == "success", f"{dag_id}: {tasks}\n{failure_report(api, {dag_id: lab_runs[dag_id]})}"


def test_every_call_of_the_lab_passed_the_iam_front_with_what_terraform_grants(stack, lab_runs):
    """The stand-ins checked each call against the Composer account's applied grants (a missing one fails the
    DAG with a 403); what they let through is what the wire tests observed, or a need listed as unobservable."""
    from scripts.iam import observed
    from scripts.local.cloud.iam_front import read_record

    calls = read_record(stack["state"].parent / "iam-calls.jsonl")
    composer = {c["permission"] for c in calls if c["identity"] == "composer"}
    assert {"aiplatform.endpoints.predict", "bigquery.jobs.create", "storage.objects.create"} <= composer
    known = {(e["identity"], e["permission"]) for e in observed.load()} | {("composer", "composer.environments.get")}
    assert {(c["identity"], c["permission"]) for c in calls if c["identity"] != "operator"} <= known


def test_comparison_report_is_in_the_bucket_and_its_rows_are_loaded_into_bigquery(stack, api, lab_runs):
    from google.cloud import bigquery, storage

    run_id, state, _ = lab_runs["model_comparison"]
    assert state == "success"
    report = xcom(api, "model_comparison", run_id, "write_report")
    with emulated_clients(stack) as settings:
        blob = storage.Client().bucket(settings["GENOPS_DATA_BUCKET"]).blob(report)
        rows = [json.loads(line) for line in blob.download_as_text().splitlines()]
        table = f"{settings['GENOPS_PROJECT_ID']}.{settings.get('GENOPS_BQ_DATASET', 'genops')}.model_evaluations"
        loaded = [dict(r.items()) for r in bigquery.Client().list_rows(table) if r["run_id"] == run_id]
    assert len(rows) == 6 and {r["run_id"] for r in rows} == {run_id}
    assert sorted(r["model_config"] for r in loaded) == sorted(r["model_config"] for r in rows)
    best = xcom(api, "model_comparison", run_id, "best_configuration")
    assert best["model_config"] in {r["model_config"] for r in rows}


def test_model_comparison_in_batch_mode_loads_the_rows_the_online_run_loaded(stack, api, lab_runs):
    """A second model_comparison run, answered by one batch prediction job per configuration (the local Vertex AI
    reads the requests from the bucket and writes the predictions back): the deterministic stand-in gives it the
    same rows as the online run."""
    from google.cloud import bigquery

    online_run, state, _ = lab_runs["model_comparison"]
    assert state == "success"
    run_id = api.call(
        "POST", "/api/v2/dags/model_comparison/dagRuns", {"logical_date": None, "conf": {"eval_mode": "batch"}}
    )["dag_run_id"]
    started = time.monotonic()
    while (state := api.call("GET", run_path("model_comparison", run_id))["state"]) not in ("success", "failed"):
        assert time.monotonic() - started < BATCH_RUN_SECONDS, f"the batch-mode run did not finish: {state}"
        time.sleep(3)
    tis = api.call("GET", f"{run_path('model_comparison', run_id)}/taskInstances?limit=100")["task_instances"]
    tasks = {ti["task_id"] + f"[{ti['map_index']}]": ti["state"] for ti in tis}
    assert state == "success", f"{tasks}\n{failure_report(api, {'model_comparison': (run_id, state, tasks)})}"
    served = json.load(urllib.request.urlopen(stack["cloud_urls"]["vertex"] + "/_admin/requests", timeout=10))
    created = [r for r in served if r["method"] == "POST" and r["path"].endswith("/batchPredictionJobs")]
    assert len(created) == 6 and all(r["status"] == 200 for r in created), "one batch job per configuration"
    with emulated_clients(stack) as settings:
        table = f"{settings['GENOPS_PROJECT_ID']}.{settings.get('GENOPS_BQ_DATASET', 'genops')}.model_evaluations"
        rows = [dict(r.items()) for r in bigquery.Client().list_rows(table) if r["run_id"] in (run_id, online_run)]
    compared = ("model", "row_count", "summary_metrics")

    def by_config(wanted: str) -> dict:
        return {r["model_config"]: {k: r[k] for k in compared} for r in rows if r["run_id"] == wanted}

    assert len(by_config(run_id)) == 6 and by_config(run_id) == by_config(online_run)


def test_pipeline_tunes_a_model_and_generates_with_its_endpoint(stack, api, lab_runs):
    run_id, state, tasks = lab_runs["genops_pipeline"]
    assert state == "success"
    endpoint = xcom(api, "genops_pipeline", run_id, "tuning.wait_for_tuning_job", "tuned_model_endpoint_name")
    assert re.fullmatch(r"projects/[^/]+/locations/[^/]+/endpoints/[^/]+", endpoint), endpoint
    assert tasks["generate"] == "success", "the gates let the tuned model through (else: see their decisions)"
    served = json.load(urllib.request.urlopen(stack["cloud_urls"]["vertex"] + "/_admin/requests", timeout=10))
    assert any(r["path"].endswith(f"{endpoint}:generateContent") and r["status"] == 200 for r in served), endpoint


def served_rows(stack) -> list[dict]:
    """The `served` rows of model_evaluations: what approvals recorded as served (the canary's baselines)."""
    from google.cloud import bigquery

    with emulated_clients(stack) as settings:
        table = f"{settings['GENOPS_PROJECT_ID']}.{settings.get('GENOPS_BQ_DATASET', 'genops')}.model_evaluations"
        return [dict(r.items()) for r in bigquery.Client().list_rows(table) if r["model_config"] == "served"]


def test_the_approved_pipeline_run_serves_and_records_its_model(stack, api, lab_runs):
    run_id, state, tasks = lab_runs["genops_pipeline"]
    assert state == "success"
    decision = xcom(api, "genops_pipeline", run_id, APPROVAL_TASK, "decision")
    assert (decision["option"], decision["by"], decision["comment"]) == ("Approve", api.user, "e2e: metrics look right")
    assert tasks["generate"] == tasks["record_served_baseline"] == "success"
    endpoint = xcom(api, "genops_pipeline", run_id, "tuning.wait_for_tuning_job", "tuned_model_endpoint_name")
    assert [(r["run_id"], r["model"]) for r in served_rows(stack)] == [(run_id, endpoint)]


def test_a_rejected_model_never_reaches_serving(stack, api, lab_runs):
    run_id = api.call("POST", "/api/v2/dags/genops_pipeline/dagRuns", {"logical_date": None})["dag_run_id"]
    started = time.monotonic()
    answered = False
    while (state := api.call("GET", run_path("genops_pipeline", run_id))["state"]) not in ("success", "failed"):
        assert time.monotonic() - started < RUN_SECONDS, f"the rejected run did not finish in {RUN_SECONDS} s"
        answered = answered or answer_approval(api, run_id, "Reject", "e2e: not this one")
        time.sleep(3)
    assert answered and state == "success"
    tis = api.call("GET", f"{run_path('genops_pipeline', run_id)}/taskInstances?limit=100")["task_instances"]
    tasks = {ti["task_id"]: ti["state"] for ti in tis}
    assert (tasks[APPROVAL_TASK], tasks["generate"], tasks["record_served_baseline"]) == (
        "success",
        "skipped",
        "skipped",
    )
    decision = xcom(api, "genops_pipeline", run_id, APPROVAL_TASK, "decision")
    assert (decision["passed"], decision["option"], decision["by"]) == (False, "Reject", api.user)
    endpoint = xcom(api, "genops_pipeline", run_id, "tuning.wait_for_tuning_job", "tuned_model_endpoint_name")
    served = json.load(urllib.request.urlopen(stack["cloud_urls"]["vertex"] + "/_admin/requests", timeout=10))
    from genops.gemini.prompts import load_eval_dataset

    calls = [r for r in served if r["path"].endswith(f"{endpoint}:generateContent")]
    assert len(calls) == len(load_eval_dataset()), "the rejected model answered its evaluation only, never served"
    assert run_id not in {r["run_id"] for r in served_rows(stack)}


def test_fine_tuning_publishes_the_tuned_model(api, lab_runs):
    run_id, state, _ = lab_runs["supervised_fine_tuning"]
    assert state == "success"
    summary = xcom(api, "supervised_fine_tuning", run_id, "tuning.validate_training_data")
    assert summary["examples"] >= 16 and summary["gcs_uri"].startswith("gs://"), summary
    assert xcom(api, "supervised_fine_tuning", run_id, "tuning.wait_for_tuning_job", "tuned_model_name")


def _cmdline(proc: psutil.Process) -> str:
    """A process's command line; "" for one that ended meanwhile (a task's short-lived child may be a zombie)."""
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def test_ctrl_c_stops_every_process_it_started_and_nothing_else(stack):
    runner, state = stack["runner"], stack["state"]
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])  # not the stack's
    try:
        started = {proc for proc in [psutil.Process(runner.pid), *psutil.Process(runner.pid).children(recursive=True)]}
        started |= {proc for proc in processes_of(state.parent) if proc.pid != bystander.pid}
        names = " ".join(_cmdline(proc) for proc in started)
        for component in ("api_server", "scheduler", "dag-processor", "triggerer"):
            assert component in names, f"{component} is not running: {names}"
        if stack["db"] == "postgres":
            assert stack["postgres_data"] in names, "PostgreSQL is not running"

        runner.send_signal(signal.SIGINT)  # what Ctrl-C sends to `make local`
        assert runner.wait(timeout=STOP_SECONDS) == 0, stack["log"]()

        _, alive = psutil.wait_procs(list(started), timeout=5)
        assert not alive, f"still running after Ctrl-C: {[_cmdline(proc) for proc in alive]}"
        assert not processes_of(state.parent), "a process of the stack is still running"
        assert not (state / "pgdata" / "postmaster.pid").exists(), "PostgreSQL was not stopped with pg_ctl"
        assert bystander.poll() is None, "stopping the stack must not stop anything it did not start"
        assert "stopped api-server, scheduler, dag-processor, triggerer" in stack["log"]()
        assert not psutil.pid_exists(stack["gcs_pid"]), "the storage emulator was not stopped"
        for url in stack["cloud_urls"].values():  # the stand-ins' ports are closed
            with pytest.raises(OSError):
                urllib.request.urlopen(url + "/_admin/health", timeout=2)
    finally:
        bystander.kill()
        bystander.wait()
