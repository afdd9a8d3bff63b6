"""What a deploy leaves in the DAG folder: the release marker, the lock, and what the sync leaves alone.

The marker dags/.genops_release.json names the release the folder holds. The DAG factory reads it next to
the DAG files at parse time and tags every DAG `release:<release>`, so Airflow itself reports, DAG by DAG,
which release it parsed; the check waits for that tag on every DAG id the marker lists.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

MARKER = ".genops_release.json"
LOCK = ".genops_deploy.lock"
RELEASE_TAG_PREFIX = "release:"  # dags/genops/core/release.py stamps this tag; keep the two in step

# Paths relative to the DAG folder that the sync neither uploads nor deletes. gcloud storage rsync
# matches each with re.match (anchored at the start) on both sides. gcloud reads --exclude as a list:
# commas separate items and a leading ^ declares another separator (^SEP^), so neither may appear.
EXCLUDES = (
    re.escape(MARKER) + "$",
    re.escape(LOCK) + "$",
    r"airflow_monitoring\.py$",  # Composer's own liveness DAG
    r"(.*/)?(__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|tests?)/.*",
    r".*\.py[co]$",
    r"(.*/)?(test_[^/]*|conftest)\.py$",
)

# A bucket name (3-222 characters of lowercase letters, digits, dots, dashes, underscores), then /dags.
DAGS_PREFIX = re.compile(r"^gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])/dags/?$")
# What an Airflow tag may hold after the prefix (Airflow limits tags to 100 characters).
RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,79}$")


def exclude_argument() -> str:
    """The one --exclude value gcloud parses back into exactly EXCLUDES."""
    for pattern in EXCLUDES:
        re.compile(pattern)
        if pattern.startswith("^") or "," in pattern:
            raise ValueError(f"exclude {pattern!r}: gcloud would split it (no leading ^, no commas)")
    return "--exclude=" + ",".join(EXCLUDES)


def excluded(relative: str) -> bool:
    """Whether the sync leaves RELATIVE (a path under the DAG folder) alone, as gcloud decides it."""
    return any(re.match(pattern, relative) for pattern in EXCLUDES)


def dags_prefix(value: str) -> str:
    """gs://<bucket>/dags from VALUE, or ValueError naming what is accepted."""
    match = DAGS_PREFIX.match(value)
    if not match:
        raise ValueError(
            f"target {value!r} is not the dags/ prefix of a bucket: it must be exactly gs://<bucket>/dags "
            "(optionally with a trailing slash), the environment's dag_gcs_prefix "
            "(terraform -chdir=terraform output -raw dag_gcs_prefix). Other prefixes of the Composer bucket "
            "(data/, plugins/, logs/) are never deployed to."
        )
    return f"gs://{match.group(1)}/dags"


def seconds_setting(name: str, default: float, environ: dict[str, str] | None = None) -> float:
    """A duration in seconds from the environment variable NAME; ValueError naming it when it is not one."""
    raw = (os.environ if environ is None else environ).get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ValueError(f"{name}={raw!r} must be a number of seconds, 0 or more")
    return value


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time as Airflow, GCS and this module write it (Z or +00:00 or +0000), timezone-aware."""
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Release:
    """The content of dags/.genops_release.json."""

    release: str  # the tag deployed (v1.4.0) or the commit's first 12 characters
    commit: str
    started_at: str  # when the deploying build started: a deploy never replaces a later build's
    deployed_at: str = ""  # when this marker was written, after the sync
    environment: str = ""
    build_id: str = ""
    dags: dict[str, str] = field(default_factory=dict)  # DAG id -> its file, relative to the DAG folder

    def __post_init__(self):
        if not RELEASE_NAME.match(self.release):
            raise ValueError(
                f"release {self.release!r} must be 1-80 letters, digits, '.', '_', '+' or '-' (a tag or a commit)"
            )
        parse_time(self.started_at)

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, content: bytes) -> Release:
        data = json.loads(content)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def tag(self) -> str:
        return RELEASE_TAG_PREFIX + self.release
