"""The sample DAGs as files: one DAG each, wiring that holds at run time, valid Gemini requests, light parsing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from genops.evaluation.results import schema
from genops.samples import failure_explainer, feedback, grounding, insights, pdfs, status_report, video
from tests.conftest import REPO
from tests.dags.conftest import EXPECTED_DAG_IDS
from tests.dags.samples import SAMPLE_DAG_IDS, SAMPLES_FOLDER

# Never loaded by parsing, not even through the provider modules the samples import at top level
# (GCSToBigQueryOperator brings google.cloud.bigquery and storage; tests/dags/test_integrity.py checks,
# as the DAG processor parses, that nothing beyond such pre-imports loads an SDK).
HEAVY_AT_PARSE = ("google.genai", "vertexai", "google.cloud.aiplatform")
PROFILES = [
    feedback.PROFILE,
    video.SUMMARY_PROFILE,
    video.SCENES_PROFILE,
    pdfs.SUMMARY_PROFILE,
    pdfs.TRANSLATION_PROFILE,
    insights.PROFILE,
    status_report.PROFILE,
    grounding.DATA_STORE_PROFILE,
    failure_explainer.PROFILE,
]


def test_the_seven_samples_are_expected_dags_one_per_file(dagbag):
    assert len(SAMPLE_DAG_IDS) == 7 and SAMPLE_DAG_IDS <= EXPECTED_DAG_IDS
    assert {path.stem for path in SAMPLES_FOLDER.glob("*.py")} == SAMPLE_DAG_IDS
    for dag_id in SAMPLE_DAG_IDS:
        assert dagbag.get_dag(dag_id).fileloc == str(SAMPLES_FOLDER / f"{dag_id}.py")


@pytest.mark.parametrize("dag_id", sorted(SAMPLE_DAG_IDS))
def test_every_xcom_a_template_reads_comes_from_an_upstream_task(dagbag, dag_id):
    """A template that pulls an XCom without depending on its task renders None (an f-string of an XComArg does)."""
    dag = dagbag.get_dag(dag_id)
    for task in dag.tasks:
        for field in task.template_fields:
            text = json.dumps(getattr(task, field, None), default=str)
            for source in re.findall(r"task_ids='([^']+)'", text):
                assert source in task.get_flat_relative_ids(upstream=True), f"{task.task_id}.{field} reads {source}"


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_generation_config_is_valid_for_google_genai(profile):
    from google.genai import types

    generation = profile.generation_config()
    assert types.GenerateContentConfig.model_validate(generation)
    if "response_schema" in generation:
        assert generation["response_mime_type"] == "application/json"
        types.Schema.model_validate(generation["response_schema"])


def test_a_profile_hands_out_copies_so_templating_cannot_change_it():
    first = feedback.PROFILE.generation_config()
    first["response_schema"]["required"].clear()
    assert feedback.PROFILE.generation_config()["response_schema"]["required"]


@pytest.mark.parametrize(
    ("answer_fields", "schema_file"),
    [
        (feedback.RESPONSE_SCHEMA["properties"], feedback.SCHEMA_FILE),
        (video.SCENES_SCHEMA["properties"]["scenes"]["items"]["properties"], video.SCHEMA_FILE),
    ],
    ids=["customer_feedback", "video_scenes"],
)
def test_every_answer_field_has_a_column(answer_fields, schema_file):
    columns = {field["name"] for field in schema(schema_file)}
    assert set(answer_fields) <= columns


def test_sample_modules_import_no_sdk_when_a_dag_is_parsed():
    """google-genai and the Vertex AI SDK load only when a task runs, even in a process that parses every sample."""
    code = (
        "import sys, runpy\n"
        f"for name in {sorted(SAMPLE_DAG_IDS)!r}:\n"
        f"    runpy.run_path({str(SAMPLES_FOLDER)!r} + '/' + name + '.py')\n"
        f"heavy = [m for m in {HEAVY_AT_PARSE!r} if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["PYTHONPATH"] = f"{REPO}{os.pathsep}{REPO / 'dags'}"
    done = subprocess.run(
        [sys.executable, "-c", "import tests.conftest\n" + code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (heavy,) = [line for line in done.stdout.splitlines() if line.startswith("HEAVY:")]
    assert heavy == "HEAVY:", f"parsing imported {heavy.removeprefix('HEAVY:')}"
