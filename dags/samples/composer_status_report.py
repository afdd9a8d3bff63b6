"""Sample (Airflow DAG): a daily status report of this Composer environment, written by Gemini from DAG-run records.

The records come from Airflow's stable REST API (/api/v2 on Airflow 3, /api/v1 on 2.11), never from the
metadata database, and are exported to GCS as NDJSON. Gemini gets counts, not raw records, answers in
JSON of a response schema, and the report is checked against the records before it is written.
"""

from __future__ import annotations

import json

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import get_current_context, task
from genops.core.dag_factory import lab_dag
from genops.gates.tasks import within_daily_budget
from genops.gemini import tasks as gemini
from genops.samples import locations, outputs, status_report

with lab_dag(
    "composer_status_report",
    description="Export the last 24 hours of DAG runs from the Airflow REST API to GCS, have Gemini write a "
    "status report (structured output), check it against the records and write it to GCS.",
    tags=["sample", "operations", "structured-output"],
    schedule="@daily",
) as dag:

    @task(multiple_outputs=True)
    def export_dag_runs() -> dict:
        """Fetch the window's runs, write them to GCS; XComs: records (URI or None), runs, summary."""
        from datetime import UTC, datetime

        from genops.core import storage
        from genops.samples.airflow_api import dag_runs_since

        context = get_current_context()
        end = context.get("data_interval_end") or datetime.now(UTC)
        runs, truncated = dag_runs_since(end - status_report.LOOKBACK)
        records = None
        if runs:
            records = storage.upload_text(
                config.get("GENOPS_DATA_BUCKET"),
                locations.output_object(context["dag"].dag_id, context["run_id"], "dag_runs.jsonl"),
                "".join(json.dumps(run, sort_keys=True) + "\n" for run in runs),
                mime_type="application/x-ndjson",
            )
        return {"records": records, "runs": len(runs), "summary": status_report.summarize(runs, truncated=truncated)}

    @task.short_circuit
    def any_runs(runs: int) -> bool:
        if not runs:
            print("No DAG runs in the last 24 hours: skipping the report (nothing to report, no Gemini call).")
        return bool(runs)

    @task
    def report_request(summary: dict) -> list[str]:
        return status_report.report_contents(summary)

    exported = export_dag_runs()
    request = report_request(exported["summary"])
    any_runs(exported["runs"]) >> within_daily_budget() >> request  # no runs: no report, no ledger read
    report = gemini.generate_content("write_report", profile=status_report.PROFILE, contents=request)

    @task
    def check_report(answer_text: str | None, summary: dict, records: str) -> dict:
        from genops.samples.structured import checked

        report = checked(
            answer_text,
            status_report.REPORT_SCHEMA,
            what="the status report",
            build=lambda answer, **_: status_report.check_report(answer, summary),
        )
        return {"records": records, "facts": summary, "report": report}

    document = check_report(report, exported["summary"], exported["records"])
    outputs.write_json.override(task_id="write_report_file")(document, name="report.json")
