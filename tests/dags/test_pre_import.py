"""What the DAG processor pre-imports for each DAG file, read with Airflow's own scanner.

Airflow's DAG processor imports each DAG file's top-level `airflow.*` imports once, in its long-lived parent
(`parsing_pre_import_modules`), before it forks the child that parses the file; anything else the file pulls
in is imported again in every child, on every parse. Every GenOps DAG builds TaskFlow tasks, and on Airflow 3
`from airflow.sdk import task` (what genops.core.compat does) loads @task's module lazily, in the child: the
standard provider's decorator and PythonOperator modules and `packaging`, about 40 modules and a quarter to a
third of a lab child's CPU per parse (docs/benchmarks.md#parse-time-benchmark). So every DAG file names it at top level.
"""

from __future__ import annotations

import pytest

from tests.conftest import DAGS_FOLDER

TASKFLOW_MODULE = "airflow.providers.standard.decorators.python"
DAG_FILES = sorted(p for p in DAGS_FOLDER.rglob("*.py") if "genops" not in p.relative_to(DAGS_FOLDER).parts)


def test_the_dag_files_are_found():
    assert len(DAG_FILES) >= 13 and all("__pycache__" not in p.parts for p in DAG_FILES)


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: str(p.relative_to(DAGS_FOLDER)))
def test_the_processor_pre_imports_taskflow_for_every_dag_file(path):
    from airflow.utils.file import iter_airflow_imports

    assert TASKFLOW_MODULE in set(iter_airflow_imports(str(path))), (
        f"{path.name}: add `import {TASKFLOW_MODULE}  # noqa: F401` at the top, so the DAG processor imports "
        "@task's module once in its parent instead of in every parse"
    )


def test_the_scanner_only_sees_top_level_imports(tmp_path):
    """The rule above holds only at top level: an import inside try/if is not pre-imported."""
    from airflow.utils.file import iter_airflow_imports

    nested = tmp_path / "nested.py"
    nested.write_text(f"try:\n    import {TASKFLOW_MODULE}\nexcept ImportError:\n    pass\n")
    assert list(iter_airflow_imports(str(nested))) == []
