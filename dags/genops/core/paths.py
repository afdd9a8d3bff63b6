"""Where the shared package keeps its files that are not code: the lab's datasets and the BigQuery schemas."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # dags/genops
DATA_DIR = PACKAGE_DIR / "data"  # the evaluation dataset and the sample tuning file
SCHEMAS_DIR = PACKAGE_DIR / "schemas"  # the BigQuery JSON schema files Terraform also reads
