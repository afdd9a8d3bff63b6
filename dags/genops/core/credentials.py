"""Fail a task that needs Google Cloud with a clear message, not a stack trace, when it has no credentials.

On Composer the environment's service account provides Application Default Credentials (ADC). Locally
(`make local`) there may be none: DAGs still parse and list, and the first task that calls Google Cloud
stops here, before any client is built, saying what is missing and how to provide it. Retrying would not
help, so the error fails the task without retries.
"""

from __future__ import annotations

from genops.core.compat import AirflowFailException

GCP_CONN_ID = "google_cloud_default"

HOW_TO_PROVIDE = (
    "Provide Application Default Credentials: run `gcloud auth application-default login`, or set "
    "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file (locally: in local.env, then restart "
    "`make local`). On Composer the environment's service account provides them."
)

_checked: set[str] = set()  # connections already seen with credentials in this process


class MissingCredentialsError(AirflowFailException):
    """A task needs Google Cloud and no credentials can be found (fails without retry)."""


def require_google_credentials(what: str = "this task", *, gcp_conn_id: str = GCP_CONN_ID) -> None:
    """Raise MissingCredentialsError unless the Google connection resolves to credentials.

    The provider's hook resolves them as the real call would: a key in the connection, else ADC
    (`google.auth.default()`). Success is remembered per connection for the rest of the process.
    """
    if gcp_conn_id in _checked:
        return
    from airflow.providers.google.common.hooks.base_google import GoogleBaseHook
    from google.auth.exceptions import DefaultCredentialsError

    try:
        GoogleBaseHook(gcp_conn_id=gcp_conn_id).get_credentials_and_project_id()
    except DefaultCredentialsError as err:
        reason = str(err).split(". ")[0].rstrip(".")
        raise MissingCredentialsError(
            f"Google Cloud credentials are missing: {what} calls Google Cloud through connection "
            f"{gcp_conn_id!r} and found none ({reason}). {HOW_TO_PROVIDE}"
        ) from None
    _checked.add(gcp_conn_id)


def check_before_execute(context) -> None:
    """`pre_execute=` of a provider operator: fail it clearly, without retries, before it builds a client."""
    ti = context.get("ti") or context.get("task_instance")
    task = context.get("task")
    gcp_conn_id = getattr(task, "gcp_conn_id", None) or GCP_CONN_ID
    require_google_credentials(f"task {ti.task_id!r} ({type(task).__name__})", gcp_conn_id=gcp_conn_id)
