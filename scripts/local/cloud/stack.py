"""The emulated Google Cloud of `make local` and the end-to-end test: every stand-in, started and stopped together.

`LocalCloud(state, settings).start()` starts, each on a free 127.0.0.1 port:
- the Cloud Storage emulator fake-gcs-server (a process; data under <state>/gcs, kept between runs),
- the Vertex AI stand-in (vertex.py) and the BigQuery stand-in (bigquery.py), threads of this process (their
  state lives in memory: tuned models and loaded rows are gone after a restart),
- local credentials (credentials.py): an ADC file and a gcloud token file under <state>/credentials,
and returns `client_env()`: the standard settings that point every client at them (google-auth, google-cloud-
storage, google-cloud-bigquery, google-genai, gcloud). `provision()` then creates what Terraform would (the data
bucket; the BigQuery dataset and tables from the schema files the DAGs check rows with), and `stage()` runs the
same scripts a real bucket is staged with (scripts/data/stage_samples.sh and scripts/data/validate_training_data.py).
`stop()` stops everything it started.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from scripts.local.cloud.bigquery import BigQueryStandIn
from scripts.local.cloud.credentials import LocalCredentials
from scripts.local.cloud.gcs import GcsEmulator
from scripts.local.cloud.iam_front import IamFront
from scripts.local.cloud.vertex import VertexStandIn

REPO = Path(__file__).resolve().parents[3]
SCHEMAS = REPO / "dags" / "genops" / "schemas"
# The tables Terraform creates in GENOPS_BQ_DATASET (terraform/modules/bigquery), each from its schema file.
TABLES = {
    "GENOPS_BQ_TABLE": "model_evaluations",
    "GENOPS_FEEDBACK_TABLE": "customer_feedback",
    "GENOPS_VIDEO_SCENES_TABLE": "video_scenes",
    "GENOPS_USAGE_TABLE": "gemini_usage",  # the Gemini usage ledger: streamed rows, read by the daily gate
}
# Public objects the staging script copies from Google's buckets; offline, a placeholder stands in for each.
PUBLIC_OBJECTS = {
    "gs://cloud-samples-data/video/animals.mp4": ("video/mp4", b"placeholder for the public sample video\n")
}
STAGE_SECONDS = 180


def defaults() -> dict[str, str]:
    """Every GENOPS_ setting's default, from the DAGs' own declaration."""
    sys.path.insert(0, str(REPO / "dags"))
    try:
        try:
            from genops.core import config
        except ImportError:
            from genops import config
    finally:
        sys.path.pop(0)
    return {name: s.default for name, s in config.SETTINGS.items() if s.default is not None}


def _warm_up() -> None:
    import google.cloud.aiplatform_v1  # noqa: F401
    import google.cloud.aiplatform_v1beta1  # noqa: F401


def schema_file(table_key: str) -> Path:
    return SCHEMAS / f"{TABLES[table_key]}.json"


class LocalCloud:
    def __init__(self, state: Path, settings: dict[str, str], logs: Path, *, tuning_seconds: float = 2.0):
        self.state, self.logs = state, logs
        self.settings = {**defaults(), **settings}
        self.project = self.settings["GENOPS_PROJECT_ID"]
        self.region = self.settings["GENOPS_REGION"]
        self.bucket = self.settings["GENOPS_DATA_BUCKET"]
        self.tuning_seconds = tuning_seconds
        self.credentials = LocalCredentials(self.project)
        self.gcs: GcsEmulator | None = None
        self.vertex: VertexStandIn | None = None
        self.bigquery: BigQueryStandIn | None = None
        # Every stand-in checks each call against what Terraform grants its caller (the DAGs: the Composer
        # account; staging: the operator, who is not checked).
        self.iam = IamFront.local(
            self.credentials.identity,
            {
                "project": self.project,
                "data_bucket": self.bucket,
                "dags_bucket": (),
                "dataset": self.settings["GENOPS_BQ_DATASET"],
            },
        )
        self._operator_adc: Path | None = None
        self._env: dict[str, str] = {}

    # --- life ---------------------------------------------------------------------------------------------

    def start(self) -> dict[str, str]:
        try:
            self.gcs = GcsEmulator(self.state / "gcs", self.logs / "gcs-emulator.log", iam=self.iam).start()
            self.vertex = VertexStandIn(
                storage_host=self.gcs.url,
                tuning_pending_seconds=self.tuning_seconds / 4,
                tuning_running_seconds=self.tuning_seconds * 3 / 4,
                iam=self.iam,
            ).start()
            self.bigquery = BigQueryStandIn(self.gcs.url, tokens=self.credentials.issued, iam=self.iam).start()
        except BaseException:
            self.stop()
            raise
        # The Vertex AI stand-in parses requests with the aiplatform types: import them now, not on the first call.
        threading.Thread(target=_warm_up, name="vertex-warm-up", daemon=True).start()
        credentials = self.state / "credentials"
        adc = self.credentials.write_adc(credentials / "application_default_credentials.json")
        gcloud_token = self.credentials.write_gcloud_token(credentials / "gcloud-access-token")
        self._operator_adc = self.credentials.write_adc(credentials / "operator_adc.json", "operator")
        (self.state / "gcloud").mkdir(parents=True, exist_ok=True)
        self._env = {
            "AIRFLOW_LOCAL_CLOUD": "emulated",
            # google-auth: the local ADC file; never probe a metadata server.
            "GOOGLE_APPLICATION_CREDENTIALS": str(adc),
            "GOOGLE_CLOUD_PROJECT": self.project,
            "NO_GCE_CHECK": "True",
            "GCE_METADATA_HOST": "127.0.0.1:9",
            # Each client's own setting for its endpoint.
            **self.gcs.client_env(),
            "BIGQUERY_EMULATOR_HOST": self.bigquery.emulator_host,
            "GOOGLE_VERTEX_BASE_URL": self.vertex.url,
            # gcloud: its own configuration directory, a token instead of an account, endpoints, nothing online.
            "CLOUDSDK_CONFIG": str(self.state / "gcloud"),
            "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE": str(gcloud_token),
            "CLOUDSDK_CORE_PROJECT": self.project,
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_BIGQUERY": f"{self.bigquery.url}/bigquery/v2/",
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM": f"{self.vertex.url}/",
            "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "true",
            "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "true",
            "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        }
        return self.client_env()

    def client_env(self) -> dict[str, str]:
        return dict(self._env)

    def healthy(self) -> bool:
        return bool(self.gcs and self.gcs.healthy() and self.vertex and self.bigquery)

    def describe(self) -> dict[str, str]:
        return {"gcs": self.gcs.url, "vertex": self.vertex.url, "bigquery": self.bigquery.url}

    def stop(self) -> None:
        for standin in (self.bigquery, self.vertex):
            if standin is not None:
                standin.stop()
        if self.gcs is not None:
            self.gcs.stop()
        self.bigquery = self.vertex = self.gcs = None

    # --- what Terraform and the staging scripts would have made -------------------------------------------

    def provision(self) -> list[str]:
        """Create the data bucket, the dataset and its tables; returns what was created."""
        made = []
        if self.gcs.create_bucket(self.bucket, self.project):
            made.append(f"gs://{self.bucket}")
        for uri, (content_type, data) in PUBLIC_OBJECTS.items():
            bucket, name = uri.removeprefix("gs://").split("/", 1)
            self.gcs.create_bucket(bucket, "public")
            self.gcs.put(bucket, name, data, content_type)
        dataset = self.settings["GENOPS_BQ_DATASET"]
        self.bigquery.create_dataset(self.project, dataset, self.region)
        for key in TABLES:
            schema = json.loads(schema_file(key).read_text())
            self.bigquery.create_table(self.project, dataset, self.settings[key], schema)
            made.append(f"{self.project}.{dataset}.{self.settings[key]}")
        return made

    def stage_commands(self) -> list[list[str]]:
        """The commands that stage a real data bucket (docs/samples.md), aimed at this one."""
        return [
            ["bash", str(REPO / "scripts" / "data" / "stage_samples.sh"), self.bucket],
            [
                sys.executable,
                str(REPO / "scripts" / "data" / "validate_training_data.py"),
                *("--bucket", self.bucket, "--object", self.settings["GENOPS_TRAINING_DATA_OBJECT"]),
            ],
        ]

    def stage(self, env: dict[str, str], log_file: Path) -> list[str]:
        """Run the staging commands with `env` (the clients' settings); raise naming the one that failed.

        Without gcloud on PATH the sample inputs are skipped (returned as a warning): the lab DAGs need only the
        training data, which the validation script uploads through google-cloud-storage."""
        skipped = []
        # Staging is the operator's job, which the IAM front does not check: google-cloud-storage, which sends no
        # token to an emulator host, goes to the emulator itself.
        env = {**env, "GOOGLE_APPLICATION_CREDENTIALS": str(self._operator_adc), "STORAGE_EMULATOR_HOST": self.gcs.url}
        with open(log_file, "a") as log:
            for command in self.stage_commands():
                if command[0] == "bash" and not shutil.which("gcloud", path=env.get("PATH")):
                    skipped.append("sample inputs not staged: gcloud is not on PATH (install the Google Cloud CLI)")
                    log.write(skipped[-1] + "\n")
                    continue
                log.write(f"$ {' '.join(command)}\n")
                log.flush()
                done = subprocess.run(
                    command, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    timeout=STAGE_SECONDS,
                )  # fmt: skip
                if done.returncode:
                    raise RuntimeError(
                        f"staging failed: {' '.join(command[:2])} exited {done.returncode}; see {log_file}"
                    )
        return skipped
