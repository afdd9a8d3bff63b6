"""The Composer image runs the Airflow version the DAG tests run against."""

from __future__ import annotations

import re

from tests.terraform.hcl_tree import REPO, variable_default


def test_image_airflow_version_matches_the_tested_pin():
    image = variable_default("composer_image_version")
    match = re.fullmatch(r"composer-3-airflow-(\d+\.\d+\.\d+)-build\.\d+", image)
    assert match, f"composer_image_version default {image!r} is not composer-3-airflow-X.Y.Z-build.N"
    (requirements,) = (REPO / "requirements").glob("airflow-3*.txt")
    pins = re.findall(r"^apache-airflow==(\S+)$", requirements.read_text(), flags=re.MULTILINE)
    assert pins == [match.group(1)], f"{requirements.name} pins apache-airflow {pins}; the image runs {match.group(1)}"
