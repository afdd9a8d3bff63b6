"""`make local`: a real Airflow 3 on localhost with the lab DAGs, no Docker, and Google Cloud emulated or real.

Starts every component Airflow 3 needs (API server, scheduler, DAG processor, triggerer) from the venv's
pinned packages, with `dags/` as the DAGs folder, the GENOPS_ settings from `local.env` (created from
`local.env.example` when missing) and the metadata database in a PostgreSQL server this script starts in
`.airflow-local/pgdata` when PostgreSQL is installed, else in SQLite.

Google Cloud (AIRFLOW_LOCAL_CLOUD): `emulated` starts the local stand-ins (scripts/local/cloud/stack.py: the
Cloud Storage emulator, Vertex AI and BigQuery stand-ins, local credentials) on free loopback ports, points the
clients at them, creates the bucket, dataset and tables Terraform would, stages the sample inputs and training
data with the scripts a real bucket uses, and unpauses the lab DAGs on the first start. `real` uses your
credentials and project. `auto` (default) is `real` when Application Default Credentials exist and
GENOPS_PROJECT_ID is not the placeholder `genops-local`, else `emulated`.

Ctrl-C (or SIGTERM) stops every process it started, and only those: each component runs in its own process
group, PostgreSQL is stopped with pg_ctl, the stand-ins with this process.

Everything it keeps lives under --state (default `.airflow-local/`): `home/` (AIRFLOW_HOME: config secrets,
login, task logs), `logs/` (one log per component, the emulator and staging), `pgdata/`, `gcs/` (the storage
emulator's objects) and `credentials/`. `--ready-file` writes the URL, login, process ids and stand-in URLs as
JSON once every component and stand-in is healthy.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # scripts.local.cloud

from scripts.local.cloud.credentials import real_credentials_file  # noqa: E402  (needs the path above)

PLACEHOLDER_PROJECT = "genops-local"  # local.env.example's project: no real project is set
EMULATED_BUCKET = "genops-local-data"  # the data bucket in the storage emulator when local.env names a directory
LAB_TAG = "lab"
VENV_BIN = Path(sys.executable).parent
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
HEALTH_KEYS = ("metadatabase", "scheduler", "triggerer", "dag_processor")
ADMIN = "admin"
API_URL_SETTING = "GENOPS_AIRFLOW_API_URL"  # composer_status_report's REST API; unset: the local front (airflow_front)
PG_USER = "airflow"  # the database role and database Airflow uses
STOP_GRACE_SECONDS = 20


def log(message: str) -> None:
    print(f"[make local] {message}", flush=True)


# --- local.env --------------------------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (optionally `export KEY=...`, quoted values); blank lines and # comments ignored."""
    values = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise SystemExit(f"{path}:{number}: expected KEY=VALUE, got {raw!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def local_settings(env_file: Path) -> dict[str, str]:
    if not env_file.exists():
        example = REPO / "local.env.example"
        shutil.copyfile(example, env_file)
        log(f"created {env_file.name} from {example.name}; edit it to change GENOPS_ settings")
    values = read_env_file(env_file)
    for key, value in values.items():  # ./relative paths are relative to the repository
        if value.startswith(("./", "../")):
            values[key] = str((REPO / value).resolve())
    return values


def cloud_mode(settings: dict[str, str], environ: dict[str, str]) -> tuple[str, str]:
    """("emulated" or "real", why): AIRFLOW_LOCAL_CLOUD from local.env or the environment, `auto` by default."""
    choice = (settings.get("AIRFLOW_LOCAL_CLOUD") or environ.get("AIRFLOW_LOCAL_CLOUD") or "auto").lower()
    if choice not in ("auto", "emulated", "real"):
        raise SystemExit(f"AIRFLOW_LOCAL_CLOUD={choice!r}: expected auto, emulated or real (local.env)")
    if choice != "auto":
        return choice, f"AIRFLOW_LOCAL_CLOUD={choice}"
    credentials = real_credentials_file({**environ, **settings})
    project = settings.get("GENOPS_PROJECT_ID", "")
    if credentials and project and project != PLACEHOLDER_PROJECT:
        return "real", f"credentials in {credentials} and GENOPS_PROJECT_ID={project}"
    missing = "no Application Default Credentials" if not credentials else f"GENOPS_PROJECT_ID={project or '(unset)'}"
    return (
        "emulated",
        f"{missing}; set a real project and credentials (or AIRFLOW_LOCAL_CLOUD=real) to use Google Cloud",
    )


def emulated_settings(settings: dict[str, str]) -> dict[str, str]:
    """The settings for the emulated cloud: a bucket name, never a directory (the old local mode)."""
    settings = dict(settings)
    bucket = settings.get("GENOPS_DATA_BUCKET", "")
    if not bucket or bucket.startswith(("file://", "/")):
        log(f"GENOPS_DATA_BUCKET={bucket or '(unset)'} is not a bucket name; the emulator uses {EMULATED_BUCKET}")
        settings["GENOPS_DATA_BUCKET"] = EMULATED_BUCKET
    settings.setdefault("GENOPS_PROJECT_ID", PLACEHOLDER_PROJECT)
    return settings


# --- ports and processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the API server binds: TIME_WAIT is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def stop_groups(procs: dict[str, subprocess.Popen]) -> None:
    """SIGTERM every component's process group at once, wait, then SIGKILL what is left of each."""
    import psutil

    families = {name: descendants(proc.pid) for name, proc in procs.items()}
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in {STOP_GRACE_SECONDS} s; killing it")
    for name, proc in procs.items():
        _, alive = psutil.wait_procs(families[name], timeout=max(0.1, deadline - time.monotonic()))
        for leftover in [*alive, *descendants(proc.pid)]:
            with contextlib.suppress(psutil.Error):
                leftover.kill()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- PostgreSQL -------------------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """Directory of initdb/pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A private PostgreSQL cluster in <state>/pgdata on a free loopback port, run as a non-root user."""

    def __init__(self, state: Path, bindir: Path):
        self.bindir, self.data, self.run_dir = bindir, state / "pgdata", state / "pgrun"
        self.log_file = state / "logs" / "postgres.log"
        self.password_file = state / "postgres-password"
        self.port = free_port()
        self.os_user = None
        self.created = False  # initdb ran in this start
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.os_user = os.environ.get("GENOPS_LOCAL_PG_USER", "postgres")
            try:
                pwd.getpwnam(self.os_user)
            except KeyError:
                raise SystemExit(
                    f"running as root, PostgreSQL needs a non-root user to run as; user {self.os_user!r} does not "
                    "exist (Debian's postgresql package creates 'postgres'; or set GENOPS_LOCAL_PG_USER)"
                ) from None

    def _run(self, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)

    def _own(self, *paths: Path) -> None:
        for path in paths:
            path.mkdir(parents=True, exist_ok=True)
            if self.os_user:
                entry = pwd.getpwnam(self.os_user)
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def start(self) -> str:
        """Init the cluster on first use, start it, create the database; return the SQLAlchemy URL."""
        self._own(self.run_dir)
        self.log_file.touch()
        self._own_file(self.log_file)
        if not (self.data / "PG_VERSION").exists():
            self._own(self.data)
            os.chmod(self.data, 0o700)
            self.password_file.write_text(secrets.token_urlsafe(18) + "\n")
            self._own_file(self.password_file)
            os.chmod(self.password_file, 0o600)
            log(f"initdb {self.data}")
            self.created = True
            made = self._run(
                "initdb", "-D", str(self.data), "-U", PG_USER, "--auth=scram-sha-256",
                f"--pwfile={self.password_file}", "--encoding=UTF8", "--locale=C", check=False,
            )  # fmt: skip
            if made.returncode:
                shutil.rmtree(self.data, ignore_errors=True)
                who = f"user {self.os_user!r}, which" if self.os_user else "it"
                raise SystemExit(
                    f"initdb failed ({made.stderr.strip()[-300:]}); PostgreSQL runs as {who} must be able to "
                    f"write {self.data}"
                )
        if self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0:
            log("PostgreSQL from an earlier run is still up in this data directory; restarting it")
            self.stop()
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.run_dir}"
        started = self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log_file), "-o", options,
            check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        if started.returncode:
            raise SystemExit(f"PostgreSQL did not start ({started.stderr.strip()}); see {self.log_file}")
        password = self.password_file.read_text().strip()
        self._create_database(password)
        return f"postgresql+psycopg2://{PG_USER}:{password}@127.0.0.1:{self.port}/{PG_USER}"

    def _own_file(self, path: Path) -> None:
        if self.os_user:
            entry = pwd.getpwnam(self.os_user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _create_database(self, password: str) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=password, dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_USER,))
            if not cur.fetchone():
                cur.execute(f'CREATE DATABASE "{PG_USER}"')
        conn.close()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data), check=False)


# --- Airflow ----------------------------------------------------------------------------------------------


def secrets_for(home: Path) -> dict[str, str]:
    """Keys every component must share (task tokens, sessions, encrypted connections); made once, kept."""
    path = home / "local-secrets.json"
    if not path.exists():
        path.write_text(
            json.dumps(
                {
                    "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                    "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
                    "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                }
            )
        )
        os.chmod(path, 0o600)
    return json.loads(path.read_text())


def admin_password(home: Path) -> str:
    """The simple auth manager's password file, written before the API server starts so it can be printed."""
    path = home / "simple_auth_manager_passwords.json.generated"
    passwords = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
    if ADMIN not in passwords:
        passwords[ADMIN] = secrets.token_urlsafe(12)
        path.write_text(json.dumps(passwords) + "\n")
        os.chmod(path, 0o600)
    return passwords[ADMIN]


def airflow_env(home: Path, db_url: str, port: int, settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "GENOPS_"))}
    url = f"http://127.0.0.1:{port}"
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db_url,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": url,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            # See a new DAG file within seconds instead of the 5-minute default.
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            # As on Composer: the default Google connection uses Application Default Credentials.
            "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT": "google-cloud-platform://",
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            # airflow_local_settings: the scheduler imports the tasks' SDKs once, before forking task workers.
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO / "scripts" / "local" / "preload"), env.get("PYTHONPATH")])
            ),
            "AIRFLOW_LOCAL_PRELOAD": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(secrets_for(home))
    env.update(settings)  # local.env wins: GENOPS_ values, GOOGLE_APPLICATION_CREDENTIALS, AIRFLOW__ overrides
    return env


def health(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5) as response:
            return json.load(response)
    except (OSError, ValueError):
        return {}


def healthy(report: dict) -> bool:
    return all(report.get(key, {}).get("status") == "healthy" for key in HEALTH_KEYS)


def _call(url: str, method: str, path: str, body: dict | None, headers: dict[str, str]) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Stack:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.state = args.state.resolve()
        self.home, self.logs = self.state / "home", self.state / "logs"
        self.procs: dict[str, subprocess.Popen] = {}
        self.postgres: Postgres | None = None
        self.cloud = None  # scripts.local.cloud.stack.LocalCloud when Google Cloud is emulated
        self.front = None  # scripts.local.cloud.airflow_front.AirflowFront unless GENOPS_AIRFLOW_API_URL is set
        self.staging: threading.Thread | None = None
        self.staging_error: BaseException | None = None
        self.stopping = False

    def on_signal(self, signum, _frame) -> None:
        if not self.stopping:
            log(f"{signal.Signals(signum).name}: stopping")
        self.stopping = True
        raise KeyboardInterrupt

    def database(self) -> tuple[str, str]:
        choice = self.args.db
        bindir = postgres_bin() if choice in ("auto", "postgres") else None
        if choice == "postgres" and not bindir:
            raise SystemExit("--db postgres: PostgreSQL is not installed (sudo apt-get install postgresql)")
        if bindir:
            try:
                self.postgres = Postgres(self.state, bindir)
                return "postgres", self.postgres.start()
            except SystemExit as err:
                if choice == "postgres":
                    raise
                log(f"PostgreSQL could not start: {err}; using SQLite")
                if self.postgres:
                    self.postgres.stop()
                self.postgres = None
        elif choice == "auto":
            log("PostgreSQL is not installed (sudo apt-get install postgresql): using SQLite")
        return "sqlite", f"sqlite:///{self.home / 'airflow.db'}"

    def run(self) -> int:
        started = time.monotonic()
        for path in (self.state, self.home, self.logs):
            path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o755)  # PostgreSQL's user must reach pgdata when we run as root
        settings = local_settings(self.args.env_file.resolve())
        mode, why = cloud_mode(settings, dict(os.environ))
        log(f"Google Cloud: {mode} ({why})")
        if mode == "emulated":
            settings = {**emulated_settings(settings), **self.start_cloud(emulated_settings(settings))}
        port = self.args.port
        if port is None:
            port = int(settings.get("AIRFLOW_LOCAL_PORT") or os.environ.get("AIRFLOW_LOCAL_PORT", "8080"))
        if port == 0:
            port = free_port()
        elif not port_is_free(port):
            log(f"port {port} is taken; using a free one (set --port or AIRFLOW_LOCAL_PORT)")
            port = free_port()
        kind, db_url = self.database()
        env = airflow_env(self.home, db_url, port, settings)
        login = None
        if env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "").lower() != "true":
            login = (ADMIN, admin_password(self.home))
        if not settings.get(API_URL_SETTING):
            env[API_URL_SETTING] = self.start_front(port, login)
        if not self.migrate(kind, env):
            return 1
        for name in COMPONENTS:
            with open(self.logs / f"{name}.log", "w") as out:
                self.procs[name] = subprocess.Popen(
                    ["airflow", name],
                    env=env,
                    cwd=self.state,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: Ctrl-C reaches us, we stop each group
                )
        log(f"started {', '.join(f'{n} (pid {p.pid})' for n, p in self.procs.items())}; waiting for health")
        deadline = time.monotonic() + self.args.timeout
        while not (healthy(health(port)) and self.staged()):
            if self.exited() or self.staging_error:
                if self.staging_error:
                    log(str(self.staging_error))
                return 1
            if time.monotonic() > deadline:
                log(f"not healthy after {self.args.timeout} s: {health(port) or 'API server not answering'}")
                return 1
            time.sleep(0.5)
        ready_seconds = time.monotonic() - started
        url = f"http://127.0.0.1:{port}"
        login_text = f"user {login[0]!r}, password {login[1]!r}" if login else "no login (all admins)"
        cloud_text = "your Google Cloud project " + settings.get("GENOPS_PROJECT_ID", "")
        if self.cloud:
            unpaused = self.unpause_lab_dags(url, login)
            cloud_text = (
                f"emulated: storage {self.cloud.gcs.url}, Vertex AI {self.cloud.vertex.url}, BigQuery "
                f"{self.cloud.bigquery.url}\n  Bucket gs://{settings['GENOPS_DATA_BUCKET']} staged; {unpaused}"
            )
        print(
            f"\n  Airflow is up in {ready_seconds:.0f} s: {url}\n  Login: {login_text}\n"
            f"  DAGs: {REPO / 'dags'}   metadata DB: {kind}\n  Google Cloud: {cloud_text}\n"
            f"  Logs: {self.logs}/<component>.log, task logs in {self.home / 'logs'}\n"
            "  Ctrl-C stops everything this started.\n",
            flush=True,
        )
        if self.args.ready_file:
            ready = {
                "url": url,
                "port": port,
                "db": kind,
                "login": list(login) if login else None,
                "ready_seconds": round(ready_seconds, 1),
                "pids": {name: proc.pid for name, proc in self.procs.items()},
                "postgres_data": str(self.postgres.data) if self.postgres else None,
                "cloud": mode,
                "cloud_urls": self.cloud.describe() if self.cloud else None,
                "cloud_env": self.cloud.client_env() if self.cloud else None,
                "gcs_pid": self.cloud.gcs.process.pid if self.cloud else None,
                "settings": {k: v for k, v in settings.items() if k.startswith("GENOPS_")},
            }
            self.args.ready_file.write_text(json.dumps(ready))
        while not self.exited():
            time.sleep(1)
        return 1

    def start_cloud(self, settings: dict[str, str]) -> dict[str, str]:
        """Start the stand-ins, create the bucket, dataset and tables, and stage the data in the background."""
        from scripts.local.cloud.stack import LocalCloud

        begun = time.monotonic()
        tuning_seconds = float(settings.get("AIRFLOW_LOCAL_TUNING_SECONDS") or self.args.tuning_seconds)
        self.cloud = LocalCloud(self.state, settings, self.logs, tuning_seconds=tuning_seconds)
        env = self.cloud.start()
        made = self.cloud.provision()
        log(f"stand-ins up in {time.monotonic() - begun:.1f} s: {self.cloud.describe()}; created {', '.join(made)}")
        stage_env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "GENOPS_", "CLOUDSDK_"))}
        stage_env.update({**settings, **env})

        def stage() -> None:
            try:
                for warning in self.cloud.stage(stage_env, self.logs / "staging.log"):
                    log(warning)
            except BaseException as err:  # reported by run()
                self.staging_error = err

        self.staging = threading.Thread(target=stage, name="staging", daemon=True)
        self.staging.start()
        return env

    def start_front(self, port: int, login: tuple[str, str] | None) -> str:
        """Composer's front of the REST API (Google token in, Airflow token out) for composer_status_report."""
        from scripts.local.cloud.airflow_front import AirflowFront

        tokens = self.cloud.credentials.issued if self.cloud else None
        iam, environment = None, "projects/local/locations/local/environments/local"
        if self.cloud:
            iam = self.cloud.iam  # Composer's front lets in callers with composer.environments.get
            environment = f"projects/{self.cloud.project}/locations/{self.cloud.region}/environments/local"
        self.front = AirflowFront(
            f"http://127.0.0.1:{port}", login, tokens=tokens, iam=iam, environment=environment
        ).start()
        return self.front.url

    def staged(self) -> bool:
        return self.staging is None or not self.staging.is_alive()

    def unpause_lab_dags(self, url: str, login: tuple[str, str] | None) -> str:
        """Unpause the DAGs tagged `lab` the first time this state directory runs emulated (the UI keeps later
        choices); waits up to 60 s for the DAG processor to register them."""
        marker = self.home / "lab-dags-unpaused"
        if marker.exists():
            return "lab DAGs as you left them"
        headers = {"Content-Type": "application/json"}
        try:
            if login:
                token = _call(url, "POST", "/auth/token", {"username": login[0], "password": login[1]}, headers)
                headers["Authorization"] = f"Bearer {token['access_token']}"
            deadline, dags = time.monotonic() + 60, []
            while time.monotonic() < deadline:
                dags = _call(url, "GET", f"/api/v2/dags?tags={LAB_TAG}&limit=100", None, headers)["dags"]
                if len(dags) >= 6:
                    break
                time.sleep(1)
            for dag in dags:
                if dag["is_paused"]:
                    _call(url, "PATCH", f"/api/v2/dags/{dag['dag_id']}", {"is_paused": False}, headers)
        except (OSError, ValueError, KeyError) as err:
            return f"could not unpause the lab DAGs ({err}): unpause them in the UI"
        marker.write_text("\n".join(d["dag_id"] for d in dags) + "\n")
        return f"unpaused the {len(dags)} lab DAGs (first start)"

    def migrate(self, kind: str, env: dict[str, str]) -> bool:
        """`airflow db migrate`, skipped when this database was already migrated by this Airflow version."""
        from importlib.metadata import version

        marker, stamp = self.home / "migrated", f"{kind} apache-airflow=={version('apache-airflow')}\n"
        fresh = self.postgres.created if self.postgres else not (self.home / "airflow.db").exists()
        if not fresh and marker.exists() and marker.read_text() == stamp:
            log(f"metadata database: {kind}, up to date")
            return True
        log(f"metadata database: {kind}; migrating (log: {self.logs / 'db-migrate.log'})")
        with open(self.logs / "db-migrate.log", "w") as out:
            if subprocess.run(["airflow", "db", "migrate"], env=env, stdout=out, stderr=subprocess.STDOUT).returncode:
                log(f"airflow db migrate failed:\n{tail(self.logs / 'db-migrate.log')}")
                return False
        marker.write_text(stamp)
        return True

    def exited(self) -> bool:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                log(f"{name} exited with code {proc.returncode}; its log ends:\n{tail(self.logs / f'{name}.log')}")
                return True
        return False

    def stop(self) -> None:
        stop_groups(self.procs)
        if self.postgres:
            self.postgres.stop()
        if self.cloud:
            self.cloud.stop()
        if self.front:
            self.front.stop()
        stopped = [*self.procs, *(["PostgreSQL"] if self.postgres else []), *(["the stand-ins"] if self.cloud else [])]
        log(f"stopped {', '.join(stopped) or 'nothing'}")


def stop_with_parent() -> None:
    """Get SIGTERM when the parent (`make`) exits, so that a signal sent to `make` alone stops us too (Linux)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-file", type=Path, default=REPO / "local.env", help="GENOPS_ settings (KEY=VALUE)")
    parser.add_argument("--state", type=Path, default=REPO / ".airflow-local", help="where everything is kept")
    parser.add_argument(
        "--port", type=int, help="the UI's port; 0: any free one (default: AIRFLOW_LOCAL_PORT, else 8080)"
    )
    parser.add_argument(
        "--db", choices=("auto", "postgres", "sqlite"), default=os.environ.get("AIRFLOW_LOCAL_DB", "auto")
    )
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for every component to be healthy")
    parser.add_argument("--ready-file", type=Path, help="write URL, login and pids here as JSON once healthy")
    parser.add_argument(
        "--tuning-seconds", type=float, default=float(os.environ.get("AIRFLOW_LOCAL_TUNING_SECONDS", "2")),
        help="emulated: how long a tuning job runs before it succeeds",
    )  # fmt: skip
    stack = Stack(parser.parse_args(argv))
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stack.on_signal)
    stop_with_parent()
    code = 0
    try:
        code = stack.run()
    except KeyboardInterrupt:
        code = 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # stopping is not interrupted
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
