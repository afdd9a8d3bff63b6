"""Waiting for a staged input (scripts/data/stage_samples.sh) without holding a worker between checks."""

from __future__ import annotations

from datetime import timedelta

from genops.core import config, storage
from genops.core.compat import task
from genops.samples import locations

POKE_INTERVAL = timedelta(minutes=1)
TIMEOUT = timedelta(hours=6)


def wait_for_input(task_id: str, *parts: str):
    """A reschedule-mode sensor on <GENOPS_SAMPLES_PREFIX>/inputs/<parts>. GCSHook.exists in a light sensor:
    the provider's GCS sensor module costs seconds on every DAG parse."""

    @task.sensor(
        task_id=task_id, poke_interval=POKE_INTERVAL.total_seconds(), timeout=TIMEOUT.total_seconds(), mode="reschedule"
    )
    def wait() -> bool:
        object_name = locations.input_object(*parts)
        found = storage.exists(config.get("GENOPS_DATA_BUCKET"), object_name)
        if not found:
            print(f"Waiting for {locations.uri(object_name)}; stage the samples with scripts/data/stage_samples.sh.")
        return found

    return wait()
