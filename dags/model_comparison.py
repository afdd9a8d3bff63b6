"""Lab 6 (Airflow DAG): compare every generation configuration on one evaluation dataset; store the rows in BigQuery."""

from __future__ import annotations

# The provider module LoadOnceGCSToBigQueryOperator extends, imported here as well so that the DAG processor
# pre-imports it once in its parent ([dag_processor] parsing_pre_import_modules reads this file's airflow.*
# imports) instead of every forked parse paying for it.
import airflow.providers.google.cloud.transfers.gcs_to_bigquery  # noqa: F401
import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import Param, get_current_context, task
from genops.core.credentials import check_before_execute
from genops.core.dag_factory import lab_dag
from genops.core.gcs_to_bigquery import LoadOnceGCSToBigQueryOperator
from genops.evaluation import results
from genops.evaluation.answers import BatchPredictionSensor
from genops.evaluation.scoring import EVALUATED_METRICS
from genops.gates.tasks import preflight, within_daily_budget
from genops.gemini.profiles import PROFILES

CONFIGURATIONS = [profile.name for profile in PROFILES]
TABLE = ".".join(config.templated(name) for name in ("GENOPS_PROJECT_ID", "GENOPS_BQ_DATASET", "GENOPS_BQ_TABLE"))

with lab_dag(
    "model_comparison",
    description="Evaluate every configuration in genops.gemini.profiles.PROFILES (mapped tasks; answers online or "
    "from one batch prediction job each, per GENOPS_EVAL_MODE), write one model_evaluations row each to the data "
    "bucket, load them into BigQuery and publish the best one.",
    tags=["lab", "evaluation", "comparison"],
    params={
        "eval_mode": Param(
            "",
            enum=["", "online", "batch", "auto"],
            description="How this run answers: online, batch or auto; empty: GENOPS_EVAL_MODE.",
        )
    },
) as dag:

    @task(map_index_template="{{ model_config }}")
    def submit(model_config: str) -> dict:
        """Online: nothing to submit. Batch: this configuration's job (reattached, or estimated, gated, created)."""
        from genops.evaluation.answers import submit
        from genops.gemini.profiles import PROFILES_BY_NAME
        from genops.gemini.prompts import load_eval_dataset

        context = get_current_context()
        context["model_config"] = model_config  # names the mapped task in the UI
        profile = PROFILES_BY_NAME[model_config]
        return submit(
            load_eval_dataset(),
            model_config=model_config,
            model=config.get(profile.model_setting),
            profile=profile,
            context=context,
            mode=context["params"].get("eval_mode") or None,
        )

    @task(map_index_template="{{ model_config }}")
    def evaluate(submission: dict) -> dict:
        from genops.evaluation.model_evaluation import evaluate_model
        from genops.gemini.profiles import PROFILES_BY_NAME

        context = get_current_context()
        context["model_config"] = submission["model_config"]  # names the mapped task in the UI
        return evaluate_model(
            submission=submission, profile=PROFILES_BY_NAME[submission["model_config"]], context=context
        )

    @task
    def write_report(rows: list[dict]) -> str:
        """Check every row against the table schema, then write them as NDJSON; returns the object path."""
        from genops.core import storage
        from genops.evaluation.reports import report_object, to_ndjson

        context = get_current_context()
        object_name = report_object(config.get("GENOPS_REPORTS_PREFIX"), context["dag"].dag_id, context["run_id"])
        ndjson = to_ndjson(list(rows))
        print(f"Writing {ndjson.count(chr(10))} rows to {object_name}")
        storage.upload_text(config.get("GENOPS_DATA_BUCKET"), object_name, ndjson, mime_type="application/x-ndjson")
        return object_name

    @task
    def best_configuration(rows: list[dict]) -> dict:
        """Publish the configuration that scores best on GENOPS_COMPARISON_METRIC."""
        from genops.evaluation.reports import best_row

        metric = config.metric_name("GENOPS_COMPARISON_METRIC")
        best = best_row(list(rows), metric)
        print(f"Best configuration by {metric}: {best['model_config']} ({best['model']}) = {best[metric]}")
        return {"model_config": best["model_config"], "model": best["model"], "metric": metric, "score": best[metric]}

    submissions = submit.expand(model_config=CONFIGURATIONS)
    # Batch: waits for each configuration's job without holding a worker slot (reschedule); online: done at once.
    answered = BatchPredictionSensor.partial(task_id="wait_for_batch").expand(submission=submissions)
    evaluations = evaluate.expand(submission=answered.output)
    within_daily_budget() >> submissions
    # The provider's GCSToBigQueryOperator with a job id per run and task: a retry reattaches, never appends.
    load_to_bigquery = LoadOnceGCSToBigQueryOperator(
        task_id="load_to_bigquery",
        bucket=config.templated("GENOPS_DATA_BUCKET"),
        source_objects=write_report(evaluations),
        destination_project_dataset_table=TABLE,  # templated; project_id is not: the connection's project runs it
        schema_fields=list(results.schema()),
        source_format="NEWLINE_DELIMITED_JSON",
        write_disposition="WRITE_APPEND",
        create_disposition="CREATE_NEVER",  # Terraform owns the table, its partitioning and clustering
        autodetect=False,
        deferrable=True,  # waits for the load in the triggerer, not in a worker slot
        pre_execute=check_before_execute,
    )

    checked = preflight(
        settings=[
            "GENOPS_PRO_MODEL",
            "GENOPS_FLASH_MODEL",
            "GENOPS_COMPARISON_METRIC",
            "GENOPS_EVAL_CONCURRENCY",
            "GENOPS_EVAL_MODE",
            "GENOPS_BATCH_MIN_EXAMPLES",
            "GENOPS_EXPERIMENT_NAME",
        ],
        produced_metrics=list(EVALUATED_METRICS),
    )
    checked >> submissions
    load_to_bigquery >> best_configuration(evaluations)
