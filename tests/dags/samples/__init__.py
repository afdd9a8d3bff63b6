"""Test support for the sample DAGs in dags/samples."""

from tests.conftest import DAGS_FOLDER

SAMPLES_FOLDER = DAGS_FOLDER / "samples"
# One DAG per file in dags/samples, named after the file (test_samples_integrity checks both).
SAMPLE_DAG_IDS = frozenset(
    {
        "composer_status_report",
        "customer_service_feedback",
        "data_insights",
        "enhanced_logging",
        "grounded_gemini",
        "mp4_summary",
        "pdf_coalesce",
    }
)
