"""Sample (Airflow DAG): coalesce the PDFs in the data bucket into one summary, translate it, write it to GCS.

The staged PDFs go to Gemini as file parts (read straight from GCS) after a token-budget gate. The
summary and its translation are answers of response schemas, checked before the next step uses them;
only checked text is translated, and only a checked translation is written.
"""

from __future__ import annotations

import airflow.providers.standard.decorators.python  # noqa: F401  @task's module: the DAG processor pre-imports it

from genops.core import config
from genops.core.compat import task
from genops.core.dag_factory import lab_dag
from genops.gates.tasks import within_budget, within_daily_budget
from genops.gemini import tasks as gemini
from genops.samples import locations, outputs, pdfs

with lab_dag(
    "pdf_coalesce",
    description="Summarize every PDF under <GENOPS_SAMPLES_PREFIX>/inputs/pdfs in one Gemini call (budget-gated, "
    "structured output), translate the checked summary (GENOPS_TRANSLATION_LANGUAGE) and write both to GCS.",
    tags=["sample", "multimodal", "structured-output"],
) as dag:

    @task
    def list_pdfs() -> list[str]:
        """gs:// URIs of the staged PDFs, sorted; fail with the fix when there are none or too many."""
        from genops.core.compat import AirflowFailException
        from genops.samples.gcs import list_objects

        prefix = locations.input_object(pdfs.PDF_FOLDER) + "/"
        names = [name for name in list_objects(prefix) if name.lower().endswith(".pdf")]
        folder = locations.uri(prefix)
        if not names:
            raise AirflowFailException(
                f"No PDFs under {folder}; stage the samples with scripts/data/stage_samples.sh or upload your own."
            )
        if len(names) > pdfs.MAX_PDFS:
            raise AirflowFailException(
                f"{len(names)} PDFs under {folder}; one request takes at most {pdfs.MAX_PDFS}. Move some elsewhere."
            )
        return [locations.uri(name) for name in names]

    @task
    def summary_request(pdf_uris: list[str]) -> list[dict]:
        return pdfs.summary_contents(pdf_uris)

    pdf_uris = list_pdfs()
    request = summary_request(pdf_uris)
    tokens = gemini.count_tokens("count_tokens", profile=pdfs.SUMMARY_PROFILE, contents=request)
    summarize = gemini.generate_content("coalesce_pdfs", profile=pdfs.SUMMARY_PROFILE, contents=request)
    within_daily_budget() >> tokens  # counting is the first Gemini call
    within_budget(tokens) >> summarize

    @task
    def check_summary(answer_text: str | None) -> dict:
        from genops.samples.structured import checked

        return checked(answer_text, pdfs.SUMMARY_SCHEMA, what="the PDF summary")

    @task
    def translation_request(summary: dict) -> list[dict]:
        return pdfs.translation_contents(summary, config.get("GENOPS_TRANSLATION_LANGUAGE"))

    summary = check_summary(summarize)
    translate = gemini.generate_content(
        "translate_summary", profile=pdfs.TRANSLATION_PROFILE, contents=translation_request(summary)
    )

    @task
    def check_translation(answer_text: str | None, summary: dict, pdf_uris: list[str]) -> dict:
        from genops.samples.structured import checked

        translation = checked(
            answer_text,
            pdfs.TRANSLATION_SCHEMA,
            what="the translated summary",
            build=lambda answer, **_: pdfs.check_translation(answer, summary),
        )
        return {
            "sources": pdf_uris,
            "model": config.get(pdfs.SUMMARY_PROFILE.model_setting),
            "summary": summary,
            "translation": translation,
        }

    document = check_translation(translate, summary, pdf_uris)
    outputs.write_json.override(task_id="write_summary")(document, name="summary.json")
