"""The one way the DAGs call Gemini: every generation and token count goes through `generate` or `count_tokens`.

Each call checks credentials first (a clear failure, not a client's stack trace), gets the google-genai
client from the provider's `GenAIGenerativeModelHook` (so the Airflow connection decides the credentials,
as for the provider's operators), makes the call, and hands the response to `genops.gemini.usage.record_usage`
with where and how it was made. The provider's GenAI operators return only the text or the total and drop
the response's `usage_metadata`, which is why the DAGs use these instead.

google-genai and the provider's hook are imported when a call is made, never when a DAG file is parsed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from genops.core import config
from genops.core.credentials import GCP_CONN_ID, require_google_credentials
from genops.gemini.usage import BATCH_GENERATE_CONTENT, COUNT_TOKENS, GENERATE_CONTENT, CallContext, record_usage

# The GenerateContentConfig fields that are part of the input, so a token count must send them too.
INPUT_CONFIG_FIELDS = ("system_instruction", "tools")


def genai_client(what: str, *, gcp_conn_id: str = GCP_CONN_ID):
    """The google-genai client for GENOPS_PROJECT_ID / GENOPS_REGION, built by the provider's GenAI hook.

    `what` names the work in the error raised when there are no credentials.
    """
    from airflow.providers.google.cloud.hooks.gen_ai import GenAIGenerativeModelHook

    require_google_credentials(what, gcp_conn_id=gcp_conn_id)
    return GenAIGenerativeModelHook(gcp_conn_id=gcp_conn_id).get_genai_client(
        project_id=config.get("GENOPS_PROJECT_ID"), location=config.get("GENOPS_REGION")
    )


def _what(where: CallContext, call_kind: str, model: str) -> str:
    call = f"{call_kind} with {model}"
    return f"task {where.task_id!r} ({call})" if where.task_id else call


def count_config(generation_config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The CountTokensConfig for a request sent with `generation_config`: its system instruction and tools."""
    picked = {key: generation_config[key] for key in INPUT_CONFIG_FIELDS if (generation_config or {}).get(key)}
    return copy.deepcopy(picked) or None


def generate(
    *,
    model: str,
    contents: list,
    generation_config: Mapping[str, Any] | None,
    profile: str | None,
    context: Mapping[str, Any] | None = None,
    client=None,
    base_model: str | None = None,
):
    """`models.generate_content` with `generation_config` (a GenerateContentConfig as a dict); returns the
    google-genai GenerateContentResponse after recording its usage.

    `context` is the Airflow context to attribute the call to (default: the running task's); `client` a
    client from `genai_client` to reuse across many calls; `base_model`, when `model` is a tuned endpoint, the
    model it was tuned from (recorded with the call's usage).
    """

    def send(genai):  # a copy: google-genai rewrites response schemas in place, and callers reuse their config
        return genai.models.generate_content(model=model, contents=contents, config=copy.deepcopy(generation_config))

    return _call(
        GENERATE_CONTENT, send, model=model, profile=profile, context=context, client=client, base_model=base_model
    )


def count_tokens(
    *,
    model: str,
    contents: list,
    generation_config: Mapping[str, Any] | None,
    profile: str | None,
    context: Mapping[str, Any] | None = None,
    client=None,
    base_model: str | None = None,
):
    """`models.count_tokens` for the request `generate` would send: the contents plus the system
    instruction and tools of `generation_config`. Returns the CountTokensResponse after recording it."""

    def send(genai):
        return genai.models.count_tokens(model=model, contents=contents, config=count_config(generation_config))

    return _call(
        COUNT_TOKENS, send, model=model, profile=profile, context=context, client=client, base_model=base_model
    )


def request_body(client, *, model: str, contents: list, generation_config: Mapping[str, Any] | None) -> dict:
    """The REST body (GenerateContentRequest JSON) that `generate` sends for these arguments, built by
    google-genai's own request converter: a batch prediction job's request line is then the online request,
    with the same generation config, system instruction, safety settings and tools."""
    from google.genai import _common, models, types

    parameters = types._GenerateContentParameters(
        model=model, contents=contents, config=copy.deepcopy(generation_config)
    )
    body = models._GenerateContentParameters_to_vertex(client._api_client, parameters, None, parameters)
    body.pop("_url", None)
    body.pop("config", None)
    return _common.encode_unserializable_types(_common.convert_to_dict(body))


def batch_answer(
    response: Mapping[str, Any],
    *,
    model: str,
    profile: str | None,
    context: CallContext,
    base_model: str | None = None,
):
    """One answer of a batch prediction job (the `response` of a predictions.jsonl line, the REST JSON of a
    GenerateContentResponse) as a google-genai GenerateContentResponse, after recording its usage at the
    batch price. The job itself was created by genops.evaluation.batch; this is where its spend is recorded."""
    from google.genai import types

    parsed = types.GenerateContentResponse.model_validate(response)
    record_usage(
        parsed, call_kind=BATCH_GENERATE_CONTENT, model=model, profile=profile, context=context, base_model=base_model
    )
    return parsed


def _call(call_kind: str, send, *, model: str, profile: str | None, context, client, base_model: str | None):
    """Credentials, client, the call (`send(client)`), then its usage recorded: the one path of every call."""
    where = CallContext.from_airflow(context)
    response = send(client or genai_client(_what(where, call_kind, model)))
    record_usage(response, call_kind=call_kind, model=model, profile=profile, context=where, base_model=base_model)
    return response
