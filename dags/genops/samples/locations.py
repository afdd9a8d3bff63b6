"""Where the samples read and write: objects under GENOPS_SAMPLES_PREFIX in the data bucket, tables in the dataset.

Inputs are staged by scripts/data/stage_samples.sh from samples/inputs/ in the repository to
gs://<GENOPS_DATA_BUCKET>/<GENOPS_SAMPLES_PREFIX>/inputs/; the samples write under .../outputs/<dag_id>/.
"""

from __future__ import annotations

import re

from genops.core import config, storage


def _join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part.strip("/"))


def input_object(*parts: str) -> str:
    """Object name of a staged input, e.g. input_object("pdfs/") -> "samples/inputs/pdfs"."""
    return _join(config.get("GENOPS_SAMPLES_PREFIX"), "inputs", *parts)


def output_object(dag_id: str, run_id: str, name: str) -> str:
    """One object per DAG run: a retry overwrites its own output instead of adding another."""
    return _join(config.get("GENOPS_SAMPLES_PREFIX"), "outputs", dag_id, run_folder(run_id), name)


def run_folder(run_id: str) -> str:
    """A run id as one object-name segment (manual__2026-08-01T12:00:00+00:00 -> manual__2026-08-01T12_00_00_00_00)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("_.")


def uri(object_name: str) -> str:
    """gs://<GENOPS_DATA_BUCKET>/<object_name>."""
    return storage.gcs_uri(config.get("GENOPS_DATA_BUCKET"), object_name)


# The same locations as templates, for operator arguments (rendered when the task runs, never at parse time).
TEMPLATED_BUCKET = config.templated("GENOPS_DATA_BUCKET")


def templated_input_object(*parts: str) -> str:
    return _join(config.templated("GENOPS_SAMPLES_PREFIX"), "inputs", *parts)


def templated_input_uri(*parts: str) -> str:
    return f"gs://{TEMPLATED_BUCKET}/{templated_input_object(*parts)}"
