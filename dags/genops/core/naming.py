"""Names derived from a DAG run's ids, safe where they go and the same on every try.

Run ids carry characters most Google Cloud names refuse (`manual__2026-08-01T12:00:00+00:00`). Each helper
here keeps a readable part and, where the readable part could collide or be cut, adds a short hash of the
raw id, so two runs never share a name and a retry of one run always gets the same one.
"""

from __future__ import annotations

import hashlib
import re

LABEL_VALUE_MAX = 63  # Google Cloud labels: lowercase letters, digits, '_' and '-', at most 63 characters


def short_hash(*parts: object, length: int = 10) -> str:
    """A stable hex digest of `parts` (the same on every interpreter, unlike hash())."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:length]


def object_segment(text: str) -> str:
    """`text` as one object-name segment: [A-Za-z0-9_.-] only (no ':' or '+'), never empty, never '.'/'..'."""
    segment = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.")
    return segment or f"id_{short_hash(text)}"


def bounded(readable: str, raw: str, limit: int, separator: str = "-") -> str:
    """`readable` if it fits `limit`, else its start and a hash of `raw`, `limit` characters at most."""
    if len(readable) <= limit:
        return readable
    suffix = separator + short_hash(raw)
    return readable[: limit - len(suffix)].rstrip("-_") + suffix


def label_value(text: str) -> str:
    """A valid label value that identifies `text` exactly: sanitized, lowercased, and hashed.

    The hash of the raw text is always kept, since lowercasing and replacing characters alone could
    map two ids (`Run:1`, `run+1`) to one value.
    """
    readable = re.sub(r"[^a-z0-9_-]+", "_", text.lower()).strip("_-")
    suffix = f"-{short_hash(text)}"
    return (readable[: LABEL_VALUE_MAX - len(suffix)].rstrip("_-") + suffix).lstrip("_-")
