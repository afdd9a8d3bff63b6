"""No Google credentials: DAGs still load, and a task that needs Google Cloud fails saying how to provide them."""

from __future__ import annotations

import pytest

from genops.core import credentials
from genops.core.compat import AirflowFailException
from tests.dags.conftest import like_google_auth_default
from tests.dags.fakes import install_fake_genai
from tests.dags.runner import run_dag


def _says_how_to_fix(message: str) -> None:
    assert message.startswith("Google Cloud credentials are missing")
    assert "gcloud auth application-default login" in message
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message
    assert "Traceback" not in message


def test_missing_credentials_fail_without_retry_and_say_how_to_provide_them(no_credentials):
    with pytest.raises(credentials.MissingCredentialsError) as err:
        credentials.require_google_credentials("uploading the report")

    assert isinstance(err.value, AirflowFailException), "retrying cannot create credentials"
    _says_how_to_fix(str(err.value))
    assert "uploading the report" in str(err.value) and "'google_cloud_default'" in str(err.value)
    assert "default credentials were not found" in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__, "no chained client stack trace"


def test_credentials_found_pass_and_are_checked_once_per_connection(google_credentials):
    calls = []

    def found(arguments):
        from google.auth.credentials import AnonymousCredentials

        calls.append(arguments["scopes"])
        return AnonymousCredentials(), None

    google_credentials.setattr("google.auth.default", like_google_auth_default(found))
    credentials.require_google_credentials()
    credentials.require_google_credentials()

    assert len(calls) == 1


def test_dags_parse_without_credentials(no_credentials, airflow_db):
    from airflow.models.dagbag import DagBag

    from tests.conftest import DAGS_FOLDER

    fresh = DagBag(dag_folder=str(DAGS_FOLDER), include_examples=False)
    assert fresh.import_errors == {}
    assert fresh.dag_ids


def test_genai_task_without_credentials_fails_before_any_client_call(dagbag, genops_env, no_credentials, capfd, caplog):
    genai = install_fake_genai(genops_env)
    result = run_dag(dagbag.get_dag("count_tokens"))

    assert result.task_states["count_tokens"] == "failed"
    assert result.task_states["generate"] == "upstream_failed"
    assert genai.client.calls == [] and genai.targets == []
    output = capfd.readouterr().out + caplog.text
    assert "Google Cloud credentials are missing: task 'count_tokens'" in output
    assert "gcloud auth application-default login" in output


def test_evaluation_helper_without_credentials_fails_naming_the_fix(genops_env, no_credentials):
    from genops.evaluation.scoring import generate_responses

    with pytest.raises(credentials.MissingCredentialsError) as err:
        generate_responses([{"instruction": "i", "context": "c", "reference": "r"}], model="gemini-3.8-flash")
    _says_how_to_fix(str(err.value))


def test_provider_operators_check_credentials_before_they_build_a_client(dagbag, no_credentials):
    """The loads are the provider's GCSToBigQueryOperator (as LoadOnceGCSToBigQueryOperator: its job id only),
    with the credentials check as their pre_execute."""
    loads = [("model_comparison", "load_to_bigquery"), ("customer_service_feedback", "load_feedback")]
    loads += [("mp4_summary", "load_scenes")]
    for dag_id, task_id in loads:
        assert dagbag.get_dag(dag_id).get_task(task_id)._pre_execute_hook is credentials.check_before_execute
    load = dagbag.get_dag("model_comparison").get_task("load_to_bigquery")

    class _TaskInstance:
        task_id = "load_to_bigquery"

    with pytest.raises(credentials.MissingCredentialsError) as err:
        load._pre_execute_hook({"ti": _TaskInstance(), "task": load})
    _says_how_to_fix(str(err.value))
    assert "task 'load_to_bigquery' (LoadOnceGCSToBigQueryOperator)" in str(err.value)
