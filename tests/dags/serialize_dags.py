"""Write every DAG in dags/ as serialized JSON to the file named by argv[1] (run in a fresh interpreter)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import tests.conftest  # noqa: F401  (isolated AIRFLOW_HOME before Airflow loads)


def main() -> None:
    from airflow.models.dagbag import DagBag

    try:  # Airflow 3
        from airflow.serialization.serialized_objects import DagSerialization as serializer
    except ImportError:  # Airflow 2.11
        from airflow.serialization.serialized_objects import SerializedDAG as serializer

    bag = DagBag(dag_folder=str(tests.conftest.DAGS_FOLDER), include_examples=False)
    if bag.import_errors:
        sys.exit(f"import errors: {bag.import_errors}")
    dumped = {dag_id: serializer.to_dict(dag) for dag_id, dag in sorted(bag.dags.items())}
    Path(sys.argv[1]).write_text(json.dumps(dumped, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
