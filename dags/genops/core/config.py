"""The GENOPS_ configuration contract: every setting a DAG reads, declared once.

Terraform sets these variables on the Composer environment (`terraform/modules/composer`), `make local`
reads them from `local.env`, and README.md lists them. The contract tests keep all four in agreement.

Reading rules:
- Parsing a DAG file never fails because a value is missing: DAG files only read settings that have a
  default, and pass required ones as templates (`templated(...)`) that are rendered at run time.
- A task that needs a missing required value fails with `MissingSettingError`, which names the
  variable and says where to set it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from genops.models.table import default_model

PREFIX = "GENOPS_"


class MissingSettingError(RuntimeError):
    """A required GENOPS_ variable is not set where a task needs it."""


class InvalidSettingError(ValueError):
    """A GENOPS_ variable is set to a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    default: str | None = None  # None: required, no safe default exists

    @property
    def required(self) -> bool:
        return self.default is None


# Metrics a threshold may name, with the range their scores take (the evaluation service's scales).
METRIC_RANGES: dict[str, tuple[float, float]] = {
    "summarization_quality": (1.0, 5.0),
    "groundedness": (0.0, 1.0),
    "verbosity": (-2.0, 2.0),
    "instruction_following": (1.0, 5.0),
    "exact_match": (0.0, 1.0),
    "bleu": (0.0, 1.0),
    "rouge_1": (0.0, 1.0),
    "rouge_2": (0.0, 1.0),
    "rouge_l_sum": (0.0, 1.0),
}

# Higher is better for every metric but these, whose best score is the value given (verbosity: 0, neither
# terse nor wordy).
METRIC_IDEAL: dict[str, float] = {"verbosity": 0.0}

EVAL_CONCURRENCY_MAX = 64  # GENOPS_EVAL_CONCURRENCY's upper bound (Terraform validates the same range)
EVAL_MODES = ("online", "batch", "auto")  # GENOPS_EVAL_MODE's values (Terraform validates the same list)

_DEFAULT_THRESHOLDS = {"summarization_quality": 3.0, "groundedness": 0.7, "rouge_l_sum": 0.2}

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("GENOPS_PROJECT_ID", "Google Cloud project that runs Vertex AI, BigQuery and GCS calls."),
        Setting("GENOPS_REGION", "Vertex AI region for generation, tuning and evaluation.", "us-central1"),
        Setting("GENOPS_DATA_BUCKET", "Bucket name for training data and evaluation reports (no gs://)."),
        Setting("GENOPS_BQ_DATASET", "BigQuery dataset that holds evaluation results.", "genops"),
        Setting("GENOPS_BQ_TABLE", "BigQuery table of evaluation rows (schema: genops/schemas).", "model_evaluations"),
        Setting("GENOPS_PRO_MODEL", "Gemini model used as the 'pro' configuration.", default_model("GENOPS_PRO_MODEL")),
        Setting(
            "GENOPS_FLASH_MODEL", "Gemini model used as the 'flash' configuration.", default_model("GENOPS_FLASH_MODEL")
        ),
        Setting(
            "GENOPS_TUNING_SOURCE_MODEL",
            "Base model for supervised fine-tuning.",
            default_model("GENOPS_TUNING_SOURCE_MODEL"),
        ),
        Setting("GENOPS_TUNED_MODEL_DISPLAY_NAME", "Display name given to tuned models.", "genops-tuned"),
        Setting(
            "GENOPS_TRAINING_DATA_OBJECT",
            "Object path of the tuning JSONL in the data bucket.",
            "training/sft_train.jsonl",
        ),
        Setting("GENOPS_REPORTS_PREFIX", "Object prefix for evaluation reports in the data bucket.", "reports"),
        Setting("GENOPS_TOKEN_BUDGET", "Largest prompt, in tokens, a budget gate lets through.", "2048"),
        Setting(
            "GENOPS_EVAL_THRESHOLDS",
            "JSON object: metric name -> lowest mean score that promotes a model.",
            json.dumps(_DEFAULT_THRESHOLDS, sort_keys=True),
        ),
        Setting("GENOPS_EXPERIMENT_NAME", "Vertex AI experiment that records evaluation runs.", "genops-eval"),
        Setting(
            "GENOPS_EVAL_CONCURRENCY",
            "Evaluation requests to Gemini in flight at once (1 to 64); 429 and 5xx answers are retried with backoff.",
            "16",
        ),
        Setting(
            "GENOPS_EVAL_MODE",
            "How evaluations generate their answers: online (requests in a task), batch (a Vertex AI batch "
            "prediction job at the batch price, waited for without a worker slot) or auto (batch from "
            "GENOPS_BATCH_MIN_EXAMPLES examples).",
            "auto",
        ),
        Setting(
            "GENOPS_BATCH_MIN_EXAMPLES",
            "With GENOPS_EVAL_MODE=auto: the smallest evaluation set answered by a batch prediction job.",
            "500",
        ),
        Setting(
            "GENOPS_COMPARISON_METRIC",
            "Metric that picks the best configuration in model_comparison.",
            "summarization_quality",
        ),
        # The sample DAGs (dags/samples). An empty default marks an optional feature: `optional()` reads it.
        Setting(
            "GENOPS_SAMPLES_PREFIX",
            "Object prefix in the data bucket of the samples' staged inputs (<prefix>/inputs) and outputs.",
            "samples",
        ),
        Setting(
            "GENOPS_FEEDBACK_TABLE", "BigQuery table the customer_service_feedback sample loads.", "customer_feedback"
        ),
        Setting(
            "GENOPS_VIDEO_SCENES_TABLE",
            "BigQuery table the mp4_summary sample loads video scenes into.",
            "video_scenes",
        ),
        Setting(
            "GENOPS_INSIGHTS_SOURCE_TABLE",
            "Optional: BigQuery table <project>.<dataset>.<table> data_insights analyses; empty skips the analysis.",
            "",
        ),
        Setting(
            "GENOPS_SEARCH_DATA_STORE",
            "Optional: Vertex AI Search data store (projects/<p>/locations/<l>/collections/<c>/dataStores/<id>) "
            "grounded_gemini grounds on; empty skips that question.",
            "",
        ),
        Setting(
            "GENOPS_AIRFLOW_API_URL",
            "Optional: base URL of this environment's Airflow REST API (terraform output airflow_uri); "
            "empty uses Airflow's own [api] base_url.",
            "",
        ),
        Setting("GENOPS_TRANSLATION_LANGUAGE", "Language pdf_coalesce translates its summary into.", "Spanish"),
        # The Gemini usage ledger and the daily spend gate (genops.usage, genops.gates).
        Setting(
            "GENOPS_USAGE_TABLE",
            "BigQuery table (in GENOPS_BQ_DATASET) of the Gemini usage ledger, one row per call.",
            "gemini_usage",
        ),
        Setting(
            "GENOPS_DAILY_TOKEN_BUDGET",
            "Optional: Gemini tokens all DAGs may spend per UTC day; once the ledger reaches it, the daily "
            "spend gates stop their runs. Empty: no daily token limit.",
            "",
        ),
        Setting(
            "GENOPS_DAILY_COST_BUDGET_USD",
            "Optional: estimated USD all DAGs may spend per UTC day (prices: genops/models/models.json); "
            "empty: no daily cost limit.",
            "",
        ),
        # Approval before serving (genops_pipeline) and the canary of what is served (canary_evaluation).
        Setting(
            "GENOPS_APPROVERS",
            "Optional: comma-separated Airflow user ids who approve a tuned model before genops_pipeline serves it "
            "(Airflow 3.1+ human-in-the-loop); empty serves automatically once the gates pass.",
            "",
        ),
        Setting(
            "GENOPS_APPROVAL_TIMEOUT",
            "How long approvers have to answer, <n>s, <n>m, <n>h or <n>d; no answer in time rejects.",
            "72h",
        ),
        Setting(
            "GENOPS_REGRESSION_TOLERANCE",
            "Largest drop of a metric below its baseline the canary accepts, as a fraction of the metric's "
            "range (0 to 1; 0.05 on summarization_quality's 1-5 is 0.2 points).",
            "0.05",
        ),
        Setting(
            "GENOPS_CANARY_SCHEDULE",
            "Cron schedule (UTC) of the canary_evaluation DAG that evaluates the served model.",
            "0 6 * * *",
        ),
        Setting(
            "GENOPS_CANARY_BASELINE",
            "Optional: JSON object metric -> baseline mean score, used while no approval has recorded a "
            "baseline (GENOPS_FLASH_MODEL is then the served model); empty: compare nothing until one is approved.",
            "",
        ),
    )
}


def _setting(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"{name} is not a GENOPS_ setting; declare it in genops/core/config.py SETTINGS") from None


def get(name: str) -> str:
    """Return a setting's value (environment first, then default), or fail naming the variable."""
    setting = _setting(name)
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if setting.default is not None:
        return setting.default
    raise MissingSettingError(
        f"{name} is not set: {setting.description} On Composer, Terraform sets it "
        f"(terraform/modules/composer, env_variables); locally, add it to local.env or export it."
    )


def optional(name: str) -> str | None:
    """An optional setting's value, or None when it is unset or blank (the feature it enables is off)."""
    if _setting(name).default != "":
        raise KeyError(f'{name} is not optional; declare it with default "" in genops/core/config.py SETTINGS')
    return get(name) or None


def get_int(name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = get(name)
    allowed = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSettingError(f"{name}={raw!r} is not a whole number; set it to an integer {allowed}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise InvalidSettingError(f"{name}={value} is out of range; set it to an integer {allowed}.")
    return value


def optional_number(name: str) -> float | None:
    """An optional positive limit (an integer or a decimal), or None when unset (no limit)."""
    raw = optional(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidSettingError(
            f"{name}={raw!r} is not a number; set a positive number, or leave it empty."
        ) from None
    if not value > 0 or value == float("inf"):
        raise InvalidSettingError(f"{name}={raw!r} must be a positive number, or empty for no limit.")
    return value


def eval_mode() -> str:
    """The value of GENOPS_EVAL_MODE, checked: one of EVAL_MODES."""
    name = "GENOPS_EVAL_MODE"
    value = get(name).lower()
    if value not in EVAL_MODES:
        raise InvalidSettingError(f"{name}={value!r} is unknown; set it to one of {', '.join(EVAL_MODES)}.")
    return value


def metric_name(name: str) -> str:
    """Return `GENOPS_<name>` after checking it names a known metric."""
    value = get(name)
    if value not in METRIC_RANGES:
        raise InvalidSettingError(f"{name}={value!r} is not a known metric; use one of {sorted(METRIC_RANGES)}.")
    return value


def eval_thresholds() -> dict[str, float]:
    """Parse GENOPS_EVAL_THRESHOLDS into {metric: minimum mean score}, checking names and ranges."""
    name = "GENOPS_EVAL_THRESHOLDS"
    return _metric_values(name, get(name))


def approvers() -> list[str]:
    """The Airflow user ids GENOPS_APPROVERS lists (empty: serving is approved automatically)."""
    raw = optional("GENOPS_APPROVERS") or ""
    return [user.strip() for user in raw.split(",") if user.strip()]


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(name: str) -> int:
    """A duration setting (`<n>s`, `<n>m`, `<n>h` or `<n>d`, n >= 1) in seconds."""
    return parse_duration(name, get(name))


def parse_duration(name: str, raw: str) -> int:
    number, unit = raw[:-1], raw[-1:]
    if unit not in _DURATION_UNITS or not number.isdigit() or int(number) < 1:
        raise InvalidSettingError(f"{name}={raw!r} is not a duration; set e.g. 30m, 72h or 7d.")
    return int(number) * _DURATION_UNITS[unit]


def fraction(name: str) -> float:
    """A setting that is a number from 0 to 1."""
    raw = get(name)
    try:
        value = float(raw)
    except ValueError:
        raise InvalidSettingError(f"{name}={raw!r} is not a number; set a number from 0 to 1, e.g. 0.05.") from None
    if not 0 <= value <= 1:
        raise InvalidSettingError(f"{name}={raw!r} is out of range; set a number from 0 to 1, e.g. 0.05.")
    return value


def metric_scores(name: str) -> dict[str, float]:
    """A JSON object setting of metric -> mean score, each metric known and each score in its range ({} if unset)."""
    raw = optional(name)
    return {} if raw is None else _metric_values(name, raw)


def _metric_values(name: str, raw: str) -> dict[str, float]:
    """Setting `name`'s value `raw`, a non-empty JSON object of metric -> number, as {metric: float}, each metric
    known and each number in its range."""
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InvalidSettingError(f'{name} is not valid JSON ({err}); use e.g. {{"rouge_l_sum": 0.2}}.') from None
    if not isinstance(parsed, dict) or not parsed:
        raise InvalidSettingError(f'{name} must be a non-empty JSON object, e.g. {{"rouge_l_sum": 0.2}}.')
    values: dict[str, float] = {}
    for metric, value in parsed.items():
        if metric not in METRIC_RANGES:
            raise InvalidSettingError(f"{name} names unknown metric {metric!r}; use one of {sorted(METRIC_RANGES)}.")
        low, high = METRIC_RANGES[metric]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise InvalidSettingError(f"{name}[{metric!r}]={value!r} must be a number from {low} to {high}.")
        values[metric] = float(value)
    return values


def templated(name: str) -> str:
    """A Jinja expression that renders the setting when the task runs (see `MACROS`)."""
    _setting(name)
    return f"{{{{ genops_setting('{name}') }}}}"


# Passed as `user_defined_macros` by `genops.core.dag_factory.lab_dag`, so `templated()` values resolve.
MACROS = {"genops_setting": get}
