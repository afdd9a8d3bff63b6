"""Parse every DAG file as Airflow's DAG processor does and print, per file, which SDKs each step imported.

The processor (Airflow 3.2 and 2.11, `parsing_pre_import_modules`, on by default) imports a DAG file's
`airflow.*` modules (airflow.utils.file.iter_airflow_imports) in its long-lived process, then forks a
child per file that parses it. Here a parent imports Airflow, and for each file a forked child
pre-imports that file's `airflow.*` modules, then parses the file; the child reports the SDK modules
(`SDKS`) the pre-imports loaded and those the parse itself loaded on top. Run in a fresh interpreter;
prints one JSON object.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import runpy
import sys

import tests.conftest  # noqa: F401  (isolated AIRFLOW_HOME before Airflow loads)

SDKS = (
    "google.genai",
    "vertexai",
    "google.cloud.aiplatform",
    "google.cloud.bigquery",
    "google.cloud.storage",
    "pandas",
)


def loaded_sdks() -> set[str]:
    return {sdk for sdk in SDKS if sdk in sys.modules}


def parse_in_child(path: str) -> dict:
    from airflow.utils.file import iter_airflow_imports

    for module in iter_airflow_imports(path):
        with contextlib.suppress(ImportError):  # the processor ignores what it cannot pre-import
            importlib.import_module(module)
    pre_imported = loaded_sdks()
    runpy.run_path(path)
    return {"pre_imports": sorted(pre_imported), "parse": sorted(loaded_sdks() - pre_imported)}


def main() -> None:
    import airflow  # noqa: F401  (the processor's own imports)

    dags = tests.conftest.DAGS_FOLDER
    files = sorted(p for p in dags.rglob("*.py") if p.relative_to(dags).parts[0] != "genops")
    report = {}
    for path in files:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                result = parse_in_child(str(path))
            except BaseException as err:  # report, never escape the child
                result = {"error": repr(err)}
            os.write(write, json.dumps(result).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            report[path.relative_to(dags).as_posix()] = json.loads(pipe.read())
        os.waitpid(pid, 0)
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
