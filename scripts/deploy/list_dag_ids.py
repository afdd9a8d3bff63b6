#!/usr/bin/env python3
"""Parse a DAG folder as Airflow's DAG processor does and print what the deploy must find in Airflow.

    .venv/bin/python scripts/deploy/list_dag_ids.py [DAG_FOLDER] [-o FILE]        (default: dags/, stdout)

Prints JSON {"dags": {dag_id: file}, "import_errors": {file: error}}, files relative to the folder. The
deploy (scripts/deploy/deploy_dags.py --dag-ids FILE) refuses a tree with import errors and writes the DAG ids
into the release marker; the check (scripts/deploy/verify_dags.py) then waits until Airflow reports each of them
at the new release. Needs Airflow (the project venv: make setup); an isolated AIRFLOW_HOME is used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def list_dags(folder: Path) -> dict:
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="genops-list-dags-"))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(folder)
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "ERROR")
    sys.path.insert(0, str(folder))  # as the DAG processor does: DAG files import the shared package
    try:  # after the settings above: Airflow reads them on import
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3
    except ImportError:
        from airflow.models.dagbag import DagBag  # Airflow 2

    bag = DagBag(dag_folder=str(folder), include_examples=False)
    relative = lambda path: Path(path).resolve().relative_to(folder.resolve()).as_posix()  # noqa: E731
    return {
        "dags": {dag_id: relative(dag.fileloc) for dag_id, dag in sorted(bag.dags.items())},
        "import_errors": {
            relative(file): (error.strip().splitlines() or ["?"])[-1] for file, error in bag.import_errors.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "dags")
    parser.add_argument("-o", "--output", type=Path, help="write the JSON here instead of stdout")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"list_dag_ids: {args.folder} is not a directory", file=sys.stderr)
        return 2
    listing = json.dumps(list_dags(args.folder), indent=2) + "\n"
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(listing)
    else:
        sys.stdout.write(listing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
