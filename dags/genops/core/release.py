"""The release a deploy wrote next to the DAG files, as a tag every GenOps DAG carries.

scripts/deploy/deploy_dags.py writes dags/.genops_release.json after each sync. The DAG factory tags each DAG
`release:<release>` from it, read at parse time: a local file, constant between the parses of one deploy,
so serialized DAGs only change when a new release lands. Airflow then reports, DAG by DAG, which release
its DAG processor parsed, and scripts/deploy/verify_dags.py waits for the deployed one. No marker (tests,
`make local`) or an unreadable one: no tag.
"""

from __future__ import annotations

import json
from pathlib import Path

from genops.core.paths import PACKAGE_DIR

MARKER = PACKAGE_DIR.parent / ".genops_release.json"  # in the DAG folder, next to genops/
TAG_PREFIX = "release:"  # scripts/deploy/delivery/release.py reads the same tag


def release_tags(marker: Path = MARKER) -> list[str]:
    """["release:<release>"] from the marker, or [] when there is none."""
    try:
        release = json.loads(marker.read_text(encoding="utf-8"))["release"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [TAG_PREFIX + release] if isinstance(release, str) and 0 < len(release) <= 80 else []
