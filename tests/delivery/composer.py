"""Stand-ins of a Composer environment as the deploy check sees it, on loopback ports.

`ComposerApi`: the Composer API's environments.get (GET /v1/projects/P/locations/L/environments/E), reached
by gcloud through CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER, answering with Composer's field names
(config.airflowUri, config.dagGcsPrefix, config.softwareConfig.imageVersion, state, ...).

`AirflowEnvironment`: behind that airflowUri, the Airflow REST API (v2 for Airflow 3, v1 for Airflow 2: the
real paths, field names, defaults, limit/offset paging clamped to maximum_page_limit) over a model of the
DAG processor: every `refresh_interval` seconds it copies the bucket's dags/ from the Storage emulator and
parses it with that Airflow version (tests/delivery/dag_processor_worker.py), then records DAGs and import
errors as Airflow does (DAGs of vanished files go stale, an import error's timestamp moves on each parse).
Every call needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scripts.local.cloud.http import ApiError, Request
from tests.delivery.gcs import Storage

WORKER = Path(__file__).with_name("dag_processor_worker.py")
COMPOSER_DAGS_FOLDER = "/home/airflow/gcs/dags"


def _now() -> datetime:
    return datetime.now(UTC)


class _Json(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.server.token}"

    def denied(self, service: str, context: dict | None = None) -> bool:
        """With the server's `iam` front, check the call's permission; True when refused (and answered 403)."""
        iam = getattr(self.server, "iam", None)
        if iam is None:
            return False
        url = urllib.parse.urlsplit(self.path)
        request = Request(
            self.command,
            url.path,
            urllib.parse.parse_qs(url.query),
            {k.lower(): v for k, v in self.headers.items()},
            b"",
        )
        try:
            iam.check(service, request, context=context)
        except ApiError as error:
            self.reply(error.code, error.body())
            return True
        return False


def _serve(server: ThreadingHTTPServer) -> None:
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()


class DagProcessorWorker:
    """One long-lived worker per Python: imports Airflow once, forks a fresh child per parse (as Airflow 3 does)."""

    def __init__(self, python: Path, home: Path):
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
            "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
            # The per-file import limit (30 s by default) is not what these tests check, and they run beside
            # other test workers: a slow import must not read as an import error.
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
            "GCE_METADATA_HOST": "127.0.0.1:9",
            "NO_GCE_CHECK": "True",
        }
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "dag-processor.log"
        self.process = subprocess.Popen(
            [str(python), str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log.open("ab"),
            text=True,
            env=env,
        )
        self.lock = threading.Lock()
        if self.process.stdout.readline().strip() != "@worker ready":
            raise RuntimeError(f"the DAG processor worker ({python}) did not start")

    def parse(self, folder: Path) -> dict:
        with self.lock, tempfile.NamedTemporaryFile(suffix=".json") as output:
            self.process.stdin.write(json.dumps({"folder": str(folder), "output": output.name}) + "\n")
            self.process.stdin.flush()
            if self.process.stdout.readline().strip() != "@worker done":
                tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
                raise RuntimeError(f"parsing {folder} crashed the DAG processor worker:\n{tail}")
            return json.loads(Path(output.name).read_text())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


class AirflowEnvironment(ThreadingHTTPServer):
    """One environment's Airflow: the REST API, over a DAG processor that reads the bucket's dags/."""

    def __init__(
        self,
        *,
        storage: Storage,
        bucket: str,
        airflow_version: str,
        worker: DagProcessorWorker,
        token: str,
        refresh_interval: float,
        maximum_page_limit: int = 100,
        iam=None,
        environment: str = "",
    ):
        self.storage, self.bucket, self.worker, self.token = storage, bucket, worker, token
        self.iam, self.environment = iam, environment  # Composer's front: composer.environments.get on it
        self.airflow_version = airflow_version
        self.api = "v2" if airflow_version.startswith("3.") else "v1"
        self.refresh_interval, self.maximum_page_limit = refresh_interval, maximum_page_limit
        self.state_lock = threading.Lock()
        self.dags: dict[str, dict] = {}  # dag_id -> what the processor recorded
        self.import_errors: dict[str, dict] = {}  # relative file -> {id, timestamp, stack_trace}
        self.parses: list[datetime] = []  # when each processor cycle finished
        self._next_error_id = 1
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._cycle = threading.Lock()
        super().__init__(("127.0.0.1", 0), _AirflowHandler)
        _serve(self)
        self._processor = threading.Thread(target=self._loop, daemon=True)
        self._processor.start()

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def close(self) -> None:
        self._stop.set()
        self._processor.join(timeout=120)
        self.shutdown()
        self.server_close()

    # --- the DAG processor ------------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_interval):
            if not self._paused.is_set():
                self.process_once()

    def pause(self) -> None:
        """Stop parsing (after the pass under way): a DAG processor that has not come round yet."""
        self._paused.set()
        with self._cycle:
            pass

    def resume(self) -> None:
        self._paused.clear()

    def process_once(self, not_synced: frozenset[str] = frozenset()) -> None:
        """One pass over the bucket's dags/; NOT_SYNCED: objects the environment's copy does not hold yet, as
        while Composer syncs a deploy to the DAG processor file by file."""
        with self._cycle, tempfile.TemporaryDirectory(prefix="composer-gcs-") as scratch:
            folder = Path(scratch) / "dags"
            folder.mkdir()
            for name, content in self.storage.objects(self.bucket, "dags/").items():
                path = folder / name.removeprefix("dags/")
                if name.endswith("/") or name in not_synced:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            result = self.worker.parse(folder)
            self._record(folder, result)

    def _record(self, folder: Path, result: dict) -> None:
        now = _now()
        relative = lambda path: Path(path).relative_to(folder).as_posix()  # noqa: E731
        with self.state_lock:
            seen = set()
            for dag in result["dags"]:
                seen.add(dag["dag_id"])
                self.dags[dag["dag_id"]] = {**dag, "relative_fileloc": relative(dag["fileloc"]), "parsed": now}
            for dag_id, dag in self.dags.items():
                dag["stale"] = dag_id not in seen
            errors = {relative(file): trace for file, trace in result["import_errors"].items()}
            for file in set(self.import_errors) - set(errors):
                del self.import_errors[file]
            for file, trace in errors.items():
                if file not in self.import_errors:
                    self.import_errors[file] = {"id": self._next_error_id}
                    self._next_error_id += 1
                self.import_errors[file].update(timestamp=now, stack_trace=trace)
            self.parses.append(now)

    # --- the REST API -----------------------------------------------------------------------------------------
    def dag_items(self, include_stale: bool) -> list[dict]:
        with self.state_lock:
            dags = [dict(d) for _, d in sorted(self.dags.items()) if include_stale or not d["stale"]]
        return [self._dag_v2(d) if self.api == "v2" else self._dag_v1(d) for d in dags]

    def import_error_items(self) -> list[dict]:
        with self.state_lock:
            errors = sorted(((e["id"], f, e["timestamp"], e["stack_trace"]) for f, e in self.import_errors.items()))
        if self.api == "v2":
            from airflow.api_fastapi.core_api.datamodels.import_error import ImportErrorResponse

            return [
                ImportErrorResponse.model_validate(
                    {
                        "import_error_id": i,
                        "timestamp": t,
                        "filename": f,
                        "bundle_name": "dags-folder",
                        "stack_trace": s,
                    }
                ).model_dump(mode="json", by_alias=True)
                for i, f, t, s in errors
            ]
        return [
            {
                "import_error_id": i,
                "timestamp": t.isoformat(),
                "filename": f"{COMPOSER_DAGS_FOLDER}/{f}",
                "stack_trace": s,
            }
            for i, f, t, s in errors
        ]

    def _dag_v2(self, dag: dict) -> dict:
        from airflow.api_fastapi.core_api.datamodels.dags import DAGResponse

        return DAGResponse.model_validate(
            {
                "dag_id": dag["dag_id"],
                "dag_display_name": dag["dag_id"],
                "is_paused": True,
                "is_stale": dag["stale"],
                "last_parsed_time": dag["parsed"],
                "last_parse_duration": 0.1,
                "last_expired": None,
                "bundle_name": "dags-folder",
                "bundle_version": None,
                "relative_fileloc": dag["relative_fileloc"],
                "fileloc": f"{COMPOSER_DAGS_FOLDER}/{dag['relative_fileloc']}",
                "description": dag["description"],
                "timetable_summary": None,
                "timetable_description": "Never, external triggers only",
                "timetable_partitioned": False,
                "tags": [
                    {"name": t, "dag_id": dag["dag_id"], "dag": {"dag_display_name": dag["dag_id"]}}
                    for t in dag["tags"]
                ],
                **_run_limits(dag),
                "allowed_run_types": None,
                "owners": dag["owner"],
            }
        ).model_dump(mode="json")

    def _dag_v1(self, dag: dict) -> dict:
        # Airflow 2.11's DAGSchema (airflow/api_connexion/schemas/dag_schema.py).
        return {
            "dag_id": dag["dag_id"],
            "dag_display_name": dag["dag_id"],
            "root_dag_id": None,
            "is_paused": True,
            "is_active": not dag["stale"],
            "is_subdag": False,
            "last_parsed_time": dag["parsed"].isoformat(),
            "last_pickled": None,
            "last_expired": None,
            "scheduler_lock": None,
            "pickle_id": None,
            "default_view": "grid",
            "fileloc": f"{COMPOSER_DAGS_FOLDER}/{dag['relative_fileloc']}",
            "file_token": "Ii9ob21lL2FpcmZsb3cvZ2NzL2RhZ3MvIg.stand-in",
            "owners": [o.strip() for o in dag["owner"].split(",")],
            "description": dag["description"],
            "schedule_interval": None,
            "timetable_description": "Never, external triggers only",
            "tags": [{"name": t} for t in dag["tags"]],
            **_run_limits(dag),
        }


def _run_limits(dag: dict) -> dict:
    """The fields v1 and v2 share: run limits and next run (none: the GenOps DAGs are manual)."""
    return {
        "max_active_tasks": dag["max_active_tasks"],
        "max_active_runs": dag["max_active_runs"],
        "max_consecutive_failed_dag_runs": 0,
        "has_task_concurrency_limits": False,
        "has_import_errors": False,
        "next_dagrun": None,
        "next_dagrun_data_interval_start": None,
        "next_dagrun_data_interval_end": None,
        "next_dagrun_create_after": None,
    }


class _AirflowHandler(_Json):
    server: AirflowEnvironment

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        api = self.server.api
        if not self.authorized():
            if api == "v2":
                return self.reply(401, {"detail": "Not authenticated"})
            return self.reply(401, {"type": "Unauthenticated", "title": "Unauthorized", "status": 401, "detail": None})
        if self.denied("airflow", {"environment": self.server.environment}):
            return None
        try:
            limit = int(query.get("limit", 50 if api == "v2" else 100))
            offset = int(query.get("offset", 0))
            if limit < 0 or offset < 0:
                raise ValueError
        except ValueError:
            return self.reply(422 if api == "v2" else 400, {"detail": "limit and offset must be non-negative integers"})
        limit = min(limit, self.server.maximum_page_limit)
        if url.path == f"/api/{api}/dags":
            if api == "v2":
                include_stale = query.get("exclude_stale", "true").lower() == "false"
            else:
                include_stale = query.get("only_active", "true").lower() == "false"
            items, key = self.server.dag_items(include_stale), "dags"
        elif url.path == f"/api/{api}/importErrors":
            items, key = self.server.import_error_items(), "import_errors"
        else:
            return self.reply(404, {"detail": "Not Found"})
        self.reply(200, {key: items[offset : offset + limit], "total_entries": len(items)})


class ComposerApi(ThreadingHTTPServer):
    """environments.get of the Composer API v1 for the environments registered with `add`."""

    def __init__(self, token: str, iam=None):
        self.token, self.iam = token, iam
        self.environments: dict[str, dict] = {}
        super().__init__(("127.0.0.1", 0), _ComposerHandler)
        _serve(self)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/"

    def add(self, project: str, location: str, name: str, *, bucket: str, image_version: str, airflow_uri: str) -> None:
        full = f"projects/{project}/locations/{location}/environments/{name}"
        stamp = _now().isoformat().replace("+00:00", "Z")
        self.environments[full] = {
            "name": full,
            "config": {
                "dagGcsPrefix": f"gs://{bucket}/dags",
                "softwareConfig": {"imageVersion": image_version, "pythonVersion": "3"},
                "airflowUri": airflow_uri,
                "airflowByoidUri": airflow_uri.replace("127.0.0.1", "localhost"),
                "environmentSize": "ENVIRONMENT_SIZE_SMALL",
            },
            "uuid": "0d0c0f5e-0000-4000-8000-000000000000",
            "state": "RUNNING",
            "createTime": stamp,
            "updateTime": stamp,
            "storageConfig": {"bucket": bucket},
        }

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _ComposerHandler(_Json):
    server: ComposerApi

    def do_GET(self) -> None:
        if not self.authorized():
            return self.reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "status": "UNAUTHENTICATED",
                    }
                },
            )
        if self.denied("composer"):
            return None
        path = urllib.parse.urlsplit(self.path).path.removeprefix("/v1/")
        environment = self.server.environments.get(path)
        if environment is None:
            return self.reply(
                404, {"error": {"code": 404, "message": f"Environment {path} not found.", "status": "NOT_FOUND"}}
            )
        self.reply(200, environment)


def wait_for_parse(environment: AirflowEnvironment, after: datetime, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with environment.state_lock:
            if any(p > after for p in environment.parses):
                return
        time.sleep(0.1)
    raise TimeoutError("the stand-in DAG processor did not parse")


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)
