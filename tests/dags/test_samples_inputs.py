"""The staged sample inputs are what the DAGs read, and scripts/data/stage_samples.sh puts them there."""

from __future__ import annotations

import re
import subprocess

import pytest

from genops.samples import feedback, pdfs, video
from tests.conftest import REPO

INPUTS = REPO / "samples" / "inputs"
SCRIPT = REPO / "scripts" / "data" / "stage_samples.sh"
PDFS = sorted((INPUTS / pdfs.PDF_FOLDER).glob("*.pdf"))


def test_every_input_a_dag_reads_is_in_the_repository():
    assert (INPUTS.joinpath(*feedback.TRANSCRIPT)).read_text().strip()
    assert (INPUTS / "logging" / "partner_orders.csv").is_file()
    assert 1 <= len(PDFS) <= pdfs.MAX_PDFS
    source = (INPUTS / "video" / "SOURCE").read_text()
    assert f"\n{video.PUBLIC_SAMPLE_VIDEO}\n" in source and video.PUBLIC_SAMPLE_VIDEO.endswith("/" + video.VIDEO[-1])


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_sample_pdfs_are_well_formed(path):
    """Header, every xref offset at its object, stream lengths, startxref at the table, EOF marker."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[startxref:].startswith(b"xref")
    count = int(re.match(rb"xref\s+0\s+(\d+)", data[startxref:]).group(1))
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", data[startxref:])]
    assert len(offsets) == count - 1
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode()), f"xref entry {number} points elsewhere"
    for length, body in re.findall(rb"/Length (\d+) >>\nstream\n(.*?)\nendstream", data, flags=re.S):
        assert int(length) == len(body)
    assert b"/Type /Catalog" in data and b"/Type /Page " in data


def _stage(*args, env=None):
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False, env=env
    )


def test_dry_run_prints_one_copy_per_input_and_the_public_video():
    done = _stage("--dry-run", "acme-genops-dev-genops-dev-data")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    destination = "gs://acme-genops-dev-genops-dev-data/samples/inputs"
    expected = [
        f"gcloud storage cp {path} {destination}/{path.relative_to(INPUTS)}"
        for path in sorted(p for p in INPUTS.rglob("*") if p.is_file() and p.name != "SOURCE")
    ]
    assert [line.rstrip() for line in lines[:-1]] == expected
    assert lines[-1].rstrip() == f"gcloud storage cp {video.PUBLIC_SAMPLE_VIDEO} {destination}/video/animals.mp4"


def test_prefix_and_bucket_come_from_the_genops_settings(monkeypatch):
    import os

    env = {**os.environ, "GENOPS_DATA_BUCKET": "b-1", "GENOPS_SAMPLES_PREFIX": "demo/samples"}
    done = _stage("--dry-run", env=env)
    assert done.returncode == 0 and " gs://b-1/demo/samples/inputs/feedback/transcript.txt" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dry-run"], "no bucket"),
        (["--dry-run", "gs://acme-data"], "is not a bucket name"),
        (["--dry-run", "--prefix", "/samples/", "acme-data"], "must be an object prefix"),
        (["--bogus"], "unknown option"),
    ],
)
def test_bad_arguments_fail_with_the_fix(args, message):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("GENOPS_")}
    done = _stage(*args, env=env)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""
