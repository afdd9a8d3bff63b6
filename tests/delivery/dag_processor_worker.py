"""The DAG processor of a stand-in Airflow environment, run with that environment's Python (Airflow 3 or 2).

Imports Airflow once, answers "@worker ready", then for each request line {"folder": ..., "output": ...} forks a
child that parses FOLDER as Airflow's DAG processor does (DagBag, safe mode, the folder on sys.path, a
fresh interpreter state per parse) and writes what Airflow would record: each DAG's id, file and tags, and
each file's import error. Answers "@worker done" per request. Run by tests/delivery/composer.py, never by hand.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

try:
    from airflow.dag_processing.dagbag import DagBag  # Airflow 3
except ImportError:
    from airflow.models.dagbag import DagBag  # Airflow 2


def parse(folder: str) -> dict:
    sys.path.insert(0, folder)
    bag = DagBag(dag_folder=folder, include_examples=False, safe_mode=True)
    return {
        "dags": [
            {
                "dag_id": dag.dag_id,
                "fileloc": dag.fileloc,
                "tags": sorted(dag.tags or []),
                "description": dag.description,
                "owner": dag.owner,
                "max_active_runs": dag.max_active_runs,
                "max_active_tasks": dag.max_active_tasks,
            }
            for dag in bag.dags.values()
        ],
        "import_errors": dict(bag.import_errors),
    }


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w")  # requests are answered here; anything Airflow prints goes to stderr
    os.dup2(2, 1)
    print("@worker ready", file=protocol, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                result = parse(request["folder"])
                with open(request["output"], "w") as file:
                    json.dump(result, file)
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                sys.stdout.flush()
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        print("@worker done" if status == 0 else "@worker failed", file=protocol, flush=True)


if __name__ == "__main__":
    main()
