"""What is served and its baseline, kept as rows of the model_evaluations table (GENOPS_BQ_TABLE).

An approved model is recorded as a `served` row: its evaluation row at approval, relabelled. The newest
`served` row names the served model and holds its baseline scores; the canary's own rows are `canary` rows.
Rows are written once per evaluation id, whatever retries: a write first asks whether the id is stored, then
streams the row with the id as insert id (BigQuery drops a repeat that arrives while the first is buffered).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from genops.core import config
from genops.usage import bigquery

SERVED = "served"  # model_config of the row an approval records
CANARY = "canary"  # model_config of the canary's rows

LATEST_SQL = "SELECT * FROM `{table}` WHERE model_config = @model_config ORDER BY evaluated_at DESC LIMIT 1"
ROWS_WITH_ID_SQL = "SELECT COUNT(*) AS row_count FROM `{table}` WHERE evaluation_id = @evaluation_id"


@dataclass(frozen=True)
class Served:
    """The served model, and the scores a canary compares with (empty: nothing to compare with)."""

    model: str
    source: str  # "approved in <dag_id>/<run_id>", or "configured (GENOPS_FLASH_MODEL)"
    baseline: dict[str, float]
    approved: bool
    base_model: str | None = None  # a tuned endpoint's base model, as its served row recorded it

    def as_dict(self) -> dict:
        return asdict(self)


def table_fqn() -> str:
    """`<project>.<dataset>.<table>` of model_evaluations (GENOPS_PROJECT_ID, GENOPS_BQ_DATASET, GENOPS_BQ_TABLE)."""
    table = ".".join(config.get(name) for name in ("GENOPS_PROJECT_ID", "GENOPS_BQ_DATASET", "GENOPS_BQ_TABLE"))
    if not bigquery.TABLE.fullmatch(table):
        raise config.InvalidSettingError(
            f"evaluation table {table!r} is not <project>.<dataset>.<table>: check GENOPS_PROJECT_ID, "
            "GENOPS_BQ_DATASET and GENOPS_BQ_TABLE."
        )
    return table


def _parameters(**values: str):
    from google.cloud import bigquery as bq

    return bq.QueryJobConfig(
        query_parameters=[bq.ScalarQueryParameter(name, "STRING", value) for name, value in values.items()],
        use_legacy_sql=False,
    )


def store_once(row: dict) -> bool:
    """Write the model_evaluations `row` unless its evaluation_id is stored already; True when it was written."""
    table = table_fqn()
    client = bigquery.client(f"writing evaluation {row['evaluation_id']} to {table}")
    (found,) = list(
        client.query_and_wait(
            ROWS_WITH_ID_SQL.format(table=table), job_config=_parameters(evaluation_id=row["evaluation_id"])
        )
    )
    if found["row_count"]:
        return False
    errors = client.insert_rows_json(table, [row], row_ids=[row["evaluation_id"]], retry=None)
    if errors:
        raise bigquery.LedgerWriteError(f"BigQuery rejected evaluation row {row['evaluation_id']}: {errors}")
    return True


def served_row(row: dict, *, dag_id: str, run_id: str) -> dict:
    """The `served` row an approval records: the approved evaluation row, relabelled under the approving run."""
    return {
        **row,
        "evaluation_id": f"{dag_id}/{run_id}/{SERVED}",  # one per approving run
        "dag_id": dag_id,
        "run_id": run_id,
        "model_config": SERVED,
    }


def latest_served() -> dict | None:
    """The newest `served` row, or None when no model was ever approved."""
    table = table_fqn()
    rows = list(
        bigquery.client(f"reading the served model from {table}").query_and_wait(
            LATEST_SQL.format(table=table), job_config=_parameters(model_config=SERVED)
        )
    )
    return dict(rows[0].items()) if rows else None


def served(metrics: tuple[str, ...]) -> Served:
    """The last approved model with its scores (and base model) at approval, else GENOPS_FLASH_MODEL with
    GENOPS_CANARY_BASELINE."""
    row = latest_served()
    if row is not None:
        baseline = {m: float(row[m]) for m in metrics if row.get(m) is not None}
        source = f"approved in {row['dag_id']}/{row['run_id']}"
        return Served(row["model"], source, baseline, True, row.get("base_model"))
    return Served(
        config.get("GENOPS_FLASH_MODEL"),
        "configured (GENOPS_FLASH_MODEL; baseline GENOPS_CANARY_BASELINE)",
        config.metric_scores("GENOPS_CANARY_BASELINE"),
        False,
    )
