"""scripts/verify_dags.py: the import-error check after a deploy, against a fake gcloud."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.delivery.support import REPO, run

SCRIPT = REPO / "scripts" / "verify_dags.py"
ERROR = {
    "bundle_name": "dags-folder",
    "filepath": "/home/airflow/gcs/dags/broken.py",
    "error": 'Traceback (most recent call last):\n  File "broken.py", line 1\n'
    'ModuleNotFoundError: No module named "nope"',
}


def verify(fake, *args, **env):
    return run(["python3", str(SCRIPT), *args], fake.env(**env))


def _module():
    spec = importlib.util.spec_from_file_location("verify_dags", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_asks_the_environment_for_import_errors_as_json_and_passes_when_there_are_none(fake_gcloud):
    result = verify(fake_gcloud, "--environment", "genops-dev", "--location", "us-central1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No DAG import errors" in result.stdout
    (call,) = fake_gcloud.calls()
    assert call["argv"] == [
        *("composer", "environments", "run", "genops-dev", "--location", "us-central1"),
        *("dags", "list-import-errors", "--", "-o", "json"),
    ]


def test_fails_naming_each_broken_file_and_its_error(fake_gcloud):
    result = verify(
        fake_gcloud, FAKE_IMPORT_ERRORS=json.dumps([[ERROR]]), COMPOSER_ENV="genops-dev", COMPOSER_REGION="us-central1"
    )
    assert result.returncode == 1
    assert "1 DAG file(s) fail to import" in result.stdout
    assert '/home/airflow/gcs/dags/broken.py: ModuleNotFoundError: No module named "nope"' in result.stdout
    assert len(fake_gcloud.calls()) == 3  # VERIFY_ATTEMPTS default: errors persisted on every check


def test_errors_that_clear_on_a_later_check_pass(fake_gcloud):
    """A file fixed by this deploy keeps its old error until the DAG processor parses it again."""
    result = verify(fake_gcloud, FAKE_IMPORT_ERRORS=json.dumps([[ERROR], []]), COMPOSER_ENV="e", COMPOSER_REGION="r")
    assert result.returncode == 0, result.stdout
    assert len(fake_gcloud.calls()) == 2


def test_an_environment_it_cannot_ask_fails_the_check_and_says_what_to_check(fake_gcloud):
    result = verify(fake_gcloud, FAKE_COMPOSER_FAIL="1", VERIFY_ATTEMPTS="1", COMPOSER_ENV="e", COMPOSER_REGION="r")
    assert result.returncode == 3
    assert "PERMISSION_DENIED" in result.stdout and "roles/composer.user" in result.stdout


@pytest.mark.parametrize("missing", ["COMPOSER_ENV", "COMPOSER_REGION"])
def test_refuses_without_environment_and_region(fake_gcloud, missing):
    env = {"COMPOSER_ENV": "e", "COMPOSER_REGION": "r"}
    del env[missing]
    result = verify(fake_gcloud, **env)
    assert result.returncode == 2 and "no environment" in result.stderr and "make verify-dags" in result.stderr
    assert fake_gcloud.calls() == []


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ("[]\n", []),
        (
            'Command has been started.\n[\n  {"filepath": "a.py", "error": "x"}\n]\nbye\n',
            [{"filepath": "a.py", "error": "x"}],
        ),
        ("No data found\n", None),
        ("", None),
        ('{"filepath": "a.py"}\n', None),
    ],
)
def test_parse_import_errors_finds_airflows_json_list_among_other_lines(stdout, expected):
    assert _module().parse_import_errors(stdout) == expected
