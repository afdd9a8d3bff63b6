"""A local Vertex AI: the REST surface the GenOps DAGs call, on 127.0.0.1, for `make local` and the wire tests.

Point the real clients at it with their own settings:
- google-genai: `GOOGLE_VERTEX_BASE_URL=<url>` (or `http_options={"base_url": url}`) with a project and location;
- the Vertex AI SDK (EvalTask, experiments): `vertexai.init(api_endpoint=<url>, api_transport="rest", ...)`.
Any bearer token is accepted; a request without one is 401, as on Vertex AI.

Served, under /v1 and /v1beta1 (the SDKs use both):
- `{model}:generateContent`, `{model}:countTokens` for publisher models
  (`projects/*/locations/*/publishers/google/models/gemini-*`, other ids are 404) and for tuned endpoints
  (`projects/*/locations/*/endpoints/*`, 404 until a tuning job published it); see vertex_models.
- `projects/*/locations/*/tuningJobs` create, list (filter on labels/state), get, `:cancel`; see vertex_tuning.
- `projects/*/locations/*/batchPredictionJobs` create, list (filter on labels/state), get, `:cancel`: Gemini
  requests read from and predictions written to the Cloud Storage emulator; see vertex_batch.
- `projects/*/locations/*:evaluateInstances` (exact match, BLEU, ROUGE, pointwise); see vertex_eval.
- the metadata store calls of experiment tracking; see vertex_metadata.

A model's answers can be degraded, as when an auto-updated alias moves or an endpoint is redeployed: every
generateContent of that model then answers DEGRADED_ANSWER. Name it (a tuned endpoint's resource name, a publisher
model id, or its last path segment) in `degrade()`, with POST /_admin/degrade {"model": ..., "degraded": true}, or
in LOCAL_VERTEX_DEGRADED_MODELS (comma-separated) before the stand-in starts.

Requests are parsed with the real API's types (google-cloud-aiplatform proto-plus JSON parsing, unknown fields
rejected): a misspelt field, a wrong type or missing contents is HTTP 400 with Google's error body.
gs:// inputs (training files, fileData parts) are read from the Cloud Storage emulator at STORAGE_EMULATOR_HOST
(or `storage_host=`). Faults (latency, 429, 5xx) come from the shared base: `add_fault` or POST /_admin/faults.

Run alone: `python -m scripts.local.cloud.vertex [--port N] [--tuning-seconds S] [--ready-file F]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from scripts.local.cloud.http import ApiError, Request, Response, StandIn
from scripts.local.cloud.vertex_batch import BatchPrediction, GcsWriter
from scripts.local.cloud.vertex_eval import evaluate, warm_metric_libraries
from scripts.local.cloud.vertex_metadata import COLLECTIONS, Metadata
from scripts.local.cloud.vertex_models import MEDIA_TOKENS, Gemini, is_publisher_model_known
from scripts.local.cloud.vertex_schema import normalised, parse
from scripts.local.cloud.vertex_tuning import Tuning

VERSION = r"/(?P<version>v1|v1beta1)/"
LOCATION = r"projects/[^/]+/locations/[^/:]+"
PUBLISHER_MODEL = rf"{LOCATION}/publishers/google/models/(?P<model_id>[^/:]+)"
ENDPOINT = rf"{LOCATION}/endpoints/[^/:]+"
STORE = rf"{LOCATION}/metadataStores/[^/:]+"
TEXT_MIME_PREFIXES = ("text/", "application/json", "application/jsonl", "application/x-ndjson")
ROLES = {"user", "model"}


def parse_body(request: Request, type_name: str):
    """The request's body as google.cloud.aiplatform_<version>.types.<type_name>; 400 when it is not one."""
    return parse(type_name, request.json(), request.params["version"])


class GcsReader:
    """Reads gs://bucket/object through the Cloud Storage emulator's JSON API (STORAGE_EMULATOR_HOST)."""

    def __init__(self, host: str | None):
        self.host = host.rstrip("/") if host else None

    def __call__(self, uri: str) -> bytes:
        bucket, _, name = uri.removeprefix("gs://").partition("/")
        if not uri.startswith("gs://") or not bucket or not name:
            raise ApiError(400, f"{uri!r} is not a gs://bucket/object URI.")
        if self.host is None:
            raise ApiError(
                400, f"Cannot read {uri}: this local Vertex AI has no Cloud Storage (set STORAGE_EMULATOR_HOST)."
            )
        host = self.host if "://" in self.host else f"http://{self.host}"
        url = f"{host}/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}?alt=media"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise ApiError(400, f"Cannot fetch content from {uri}: the object does not exist.") from None
            raise ApiError(502, f"Cannot fetch content from {uri}: Cloud Storage answered {error.code}.") from None


class VertexStandIn(StandIn):
    """The local Vertex AI. Settings: `storage_host` (default STORAGE_EMULATOR_HOST), the tuning job's
    `tuning_pending_seconds` and `tuning_running_seconds` (then it succeeds or fails), `port` (0: a free one),
    `tokens` (a check of bearer tokens, e.g. LocalCredentials.issued; None accepts any token)."""

    iam_service = "aiplatform"

    def __init__(
        self,
        port: int = 0,
        *,
        storage_host: str | None = None,
        tuning_pending_seconds: float = 1.0,
        tuning_running_seconds: float = 4.0,
        batch_pending_seconds: float = 0.5,
        batch_running_seconds: float = 2.0,
        tokens: Callable[[str], bool] | None = None,
        iam=None,
    ):
        super().__init__("vertex-ai", port=port, iam=iam)
        self.tokens = tokens
        self.read_gcs = GcsReader(storage_host or os.environ.get("STORAGE_EMULATOR_HOST"))
        self.write_gcs = GcsWriter(storage_host or os.environ.get("STORAGE_EMULATOR_HOST"))
        self.gemini = Gemini()
        self.tuning = Tuning(self.read_gcs, tuning_pending_seconds, tuning_running_seconds)
        self.metadata = Metadata()
        self.degraded = {m.strip() for m in os.environ.get("LOCAL_VERTEX_DEGRADED_MODELS", "").split(",") if m.strip()}
        self.batch = BatchPrediction(
            self.read_gcs,
            self.write_gcs,
            self.batch_answer,
            self.batch_model_known,
            batch_pending_seconds,
            batch_running_seconds,
        )
        self._add_routes()

    def degrade(self, model: str, degraded: bool = True) -> None:
        """From now on, `model`'s answers are DEGRADED_ANSWER (or, with degraded=False, its own again)."""
        with self._lock:
            (self.degraded.add if degraded else self.degraded.discard)(model)

    def is_degraded(self, model_path: str) -> bool:
        with self._lock:
            return any(model_path == m or model_path.endswith("/" + m) for m in self.degraded)

    def _admin(self, request: Request):
        if request.path == "/_admin/degrade" and request.method == "POST":
            spec = request.json()
            if not isinstance(spec, dict) or not isinstance(spec.get("model"), str) or not spec["model"]:
                raise ApiError(400, 'degrade takes {"model": "<endpoint or model>", "degraded": true|false}')
            self.degrade(spec["model"], bool(spec.get("degraded", True)))
            return {"degraded": sorted(self.degraded)}
        return super()._admin(request)

    def start(self) -> VertexStandIn:
        """Serve, and import the metric libraries in the background (rouge-score's nltk takes seconds)."""
        super().start()
        threading.Thread(target=warm_metric_libraries, name="vertex-ai-warm-up", daemon=True).start()
        return self

    # --- requests -----------------------------------------------------------------------------------------

    def dispatch(self, request: Request):
        """Vertex AI's 401 for a request without a bearer token (or with one `tokens` does not know)."""
        if not request.path.startswith("/_admin/"):
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token:
                return _unauthenticated(
                    "Request is missing required authentication credential. Expected OAuth 2 access token, login "
                    "cookie or other valid authentication credential."
                )
            if self.tokens is not None and not self.tokens(token):
                return _unauthenticated("Request had invalid authentication credentials.")
        return super().dispatch(request)

    def prompt_of(self, request) -> tuple[str, int]:
        """The text the model reads (system instruction, then every turn, gs:// text files inlined) and the
        tokens of non-text inputs; 400 for what the real API refuses."""
        if not request.contents:
            raise ApiError(400, "Unable to submit request because it has an empty contents field.")
        texts, media_tokens = [], 0
        if "system_instruction" in request:
            texts.extend(part.text for part in request.system_instruction.parts if part.text)
        for content in request.contents:
            if content.role and content.role not in ROLES:
                raise ApiError(400, f"Please use a valid role: user, model (got {content.role!r}).")
            if not content.parts:
                raise ApiError(
                    400,
                    "Unable to submit request because it must include at least one parts field, which describes "
                    "the prompt input.",
                )
            for part in content.parts:
                if "file_data" in part:
                    mime, uri = part.file_data.mime_type, part.file_data.file_uri
                    if not mime:
                        raise ApiError(400, f"fileData.mimeType is required for {uri}.")
                    data = self.read_gcs(uri)
                    if mime.startswith(TEXT_MIME_PREFIXES):
                        texts.append(data.decode("utf-8", errors="replace"))
                    else:
                        media_tokens += MEDIA_TOKENS
                elif "inline_data" in part:
                    media_tokens += MEDIA_TOKENS
                elif part.text:
                    texts.append(part.text)
        return "\n".join(texts), media_tokens

    def model_of(self, request: Request) -> tuple[str, str]:
        """(Gemini model id that answers, label in answers) for the path's publisher model or tuned endpoint."""
        model_id = request.params.get("model_id")
        if model_id is not None:
            if not is_publisher_model_known(model_id):
                raise ApiError(
                    404,
                    f"Publisher Model `{request.params['model']}` was not found or your project does not "
                    "have access to it.",
                )
            return model_id, model_id
        endpoint = request.params["model"]
        base_model = self.tuning.endpoint_base_model(endpoint)
        if base_model is None:
            raise ApiError(404, f"Endpoint `{endpoint}` not found.")
        return base_model, f"{base_model}-tuned-{endpoint.rsplit('/', 1)[-1]}"

    def batch_model_resource(self, model: str) -> tuple[dict, str]:
        """A batch job's `model` as the route parameters generateContent would see, and the version prefix.

        Publisher models (`publishers/google/models/<id>`, with or without projects/*/locations/*/) and tuned
        models (`projects/*/locations/*/models/<n>[@version]`, answered as their tuned endpoint)."""
        match = re.fullmatch(rf"({LOCATION}/)?publishers/google/models/(?P<model_id>[^/:@]+)", model)
        if match:
            return {"model": model, "model_id": match["model_id"]}, "v1"
        if re.fullmatch(rf"{LOCATION}/models/[^/:]+", model):
            endpoint = self.tuning.tuned_model_endpoint(model)
            if endpoint is not None:
                return {"model": endpoint}, "v1"
        raise ApiError(404, f"Model `{model}` was not found or your project does not have access to it.")

    def batch_model_known(self, model: str) -> bool:
        try:
            params, _ = self.batch_model_resource(model)
        except ApiError:
            return False
        return "model_id" not in params or is_publisher_model_known(params["model_id"])

    def batch_answer(self, model: str, body: dict) -> dict:
        """generateContent's JSON answer to one batch request line, through the same generator as online."""
        params, version = self.batch_model_resource(model)
        parsed = parse("GenerateContentRequest", body, version)
        model_id, label = self.model_of(Request("POST", "", {}, {}, b"", params=params))
        prompt, media_tokens = self.prompt_of(parsed)
        return self.gemini.generate(model_id, label, prompt, media_tokens, parsed, body)

    def _add_routes(self) -> None:
        route = self.route
        for model in (PUBLISHER_MODEL, ENDPOINT):

            @route("POST", rf"{VERSION}(?P<model>{model}):generateContent")
            def generate_content(request: Request):
                parsed = parse_body(request, "GenerateContentRequest")
                model_id, label = self.model_of(request)
                prompt, media_tokens = self.prompt_of(parsed)
                degraded = self.is_degraded(request.params["model"])
                return self.gemini.generate(
                    model_id, label, prompt, media_tokens, parsed, request.json(), degraded=degraded
                )

            @route("POST", rf"{VERSION}(?P<model>{model}):countTokens")
            def count_tokens(request: Request):
                parsed = parse_body(request, "CountTokensRequest")
                self.model_of(request)
                prompt, media_tokens = self.prompt_of(parsed)
                return self.gemini.count(prompt, media_tokens)

        # google-genai's models.get on Vertex AI (the DAGs' preflight): a publisher model, with or without the
        # project/location prefix; unknown ids are a 404 as on Vertex AI.
        for prefix in ("", rf"{LOCATION}/"):

            @route("GET", rf"{VERSION}{prefix}publishers/google/models/(?P<model_id>[^/:]+)")
            def get_publisher_model(request: Request):
                model_id = request.params["model_id"]
                if not is_publisher_model_known(model_id):
                    raise ApiError(404, f"Publisher Model `publishers/google/models/{model_id}` was not found.")
                return {"name": f"publishers/google/models/{model_id}", "versionId": "001", "launchStage": "GA"}

        @route("POST", rf"{VERSION}(?P<parent>{LOCATION})/tuningJobs")
        def create_tuning_job(request: Request):
            body = normalised("TuningJob", request.json(), request.params["version"])
            return self.tuning.create(request.params["parent"], body)

        @route("GET", rf"{VERSION}(?P<parent>{LOCATION})/tuningJobs")
        def list_tuning_jobs(request: Request):
            return self.tuning.list(request.params["parent"], *_list_arguments(request))

        @route("GET", rf"{VERSION}(?P<name>{LOCATION}/tuningJobs/[^/:]+)")
        def get_tuning_job(request: Request):
            return self.tuning.get(request.params["name"])

        @route("POST", rf"{VERSION}(?P<name>{LOCATION}/tuningJobs/[^/:]+):cancel")
        def cancel_tuning_job(request: Request):
            return self.tuning.cancel(request.params["name"])

        @route("POST", rf"{VERSION}(?P<parent>{LOCATION})/batchPredictionJobs")
        def create_batch_prediction_job(request: Request):
            body = normalised("BatchPredictionJob", request.json(), request.params["version"])
            return self.batch.create(request.params["parent"], body)

        @route("GET", rf"{VERSION}(?P<parent>{LOCATION})/batchPredictionJobs")
        def list_batch_prediction_jobs(request: Request):
            return self.batch.list(request.params["parent"], *_list_arguments(request))

        @route("GET", rf"{VERSION}(?P<name>{LOCATION}/batchPredictionJobs/[^/:]+)")
        def get_batch_prediction_job(request: Request):
            return self.batch.get(request.params["name"])

        @route("POST", rf"{VERSION}(?P<name>{LOCATION}/batchPredictionJobs/[^/:]+):cancel")
        def cancel_batch_prediction_job(request: Request):
            return self.batch.cancel(request.params["name"])

        @route("POST", rf"{VERSION}(?P<location>{LOCATION}):evaluateInstances")
        def evaluate_instances(request: Request):
            return evaluate(parse_body(request, "EvaluateInstancesRequest"))

        self._add_metadata_routes()

    def _add_metadata_routes(self) -> None:
        route, metadata = self.route, self.metadata
        kinds = "|".join(name for name in COLLECTIONS if name != "metadataStores")

        def create(request: Request, parent: str, collection: str):
            _, id_parameter = COLLECTIONS[collection]
            return metadata.create(
                parent, collection, request.json(), request.arg(id_parameter), request.params["version"]
            )

        @route("POST", rf"{VERSION}(?P<parent>{LOCATION})/metadataStores")
        def create_store(request: Request):
            store = create(request, request.params["parent"], "metadataStores")
            return {
                "name": f"{store['name']}/operations/create",
                "done": True,
                "response": {
                    "@type": f"type.googleapis.com/google.cloud.aiplatform.{request.params['version']}.MetadataStore",
                    **store,
                },
            }

        @route("GET", rf"{VERSION}(?P<name>{STORE})")
        def get_store(request: Request):
            return metadata.get(request.params["name"])

        @route("POST", rf"{VERSION}(?P<parent>{STORE})/(?P<collection>{kinds})")
        def create_resource(request: Request):
            return create(request, request.params["parent"], request.params["collection"])

        @route("GET", rf"{VERSION}(?P<parent>{STORE})/(?P<collection>{kinds})")
        def list_resources(request: Request):
            return metadata.list(request.params["parent"], request.params["collection"], request.arg("filter"))

        @route("GET", rf"{VERSION}(?P<name>{STORE}/(?P<collection>{kinds})/[^/:]+)")
        def get_resource(request: Request):
            return metadata.get(request.params["name"])

        @route("PATCH", rf"{VERSION}(?P<name>{STORE}/(?P<collection>{kinds})/[^/:]+)")
        def patch_resource(request: Request):
            params = request.params
            return metadata.patch(
                params["name"], params["collection"], request.json(), request.arg("updateMask"), params["version"]
            )

        @route("DELETE", rf"{VERSION}(?P<name>{STORE}/(?P<collection>{kinds})/[^/:]+)")
        def delete_resource(request: Request):
            return metadata.delete(request.params["name"])

        @route("POST", rf"{VERSION}(?P<name>{STORE}/contexts/[^/:]+):addContextChildren")
        def add_context_children(request: Request):
            return metadata.add_context_children(request.params["name"], request.json().get("childContexts", []))

        @route("POST", rf"{VERSION}(?P<name>{STORE}/contexts/[^/:]+):addContextArtifactsAndExecutions")
        def add_artifacts_and_executions(request: Request):
            body = request.json()
            return metadata.add_context_artifacts_and_executions(
                request.params["name"], body.get("artifacts", []), body.get("executions", [])
            )


def _list_arguments(request: Request) -> tuple[str | None, int | None, str | None]:
    """A list call's filter, page size (400 when not a number) and page token."""
    size = request.arg("pageSize")
    if size is not None and not size.isdigit():
        raise ApiError(400, f"Invalid value for pageSize: {size!r}")
    return request.arg("filter"), int(size) if size else None, request.arg("pageToken")


def _unauthenticated(message: str) -> Response:
    return Response(401, ApiError(401, message).body())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--storage-host", help="Cloud Storage emulator (default: $STORAGE_EMULATOR_HOST)")
    parser.add_argument("--tuning-seconds", type=float, default=20.0, help="a tuning job's life until it ends")
    parser.add_argument("--ready-file", help="write {'url': ...} here once serving")
    args = parser.parse_args(argv)
    standin = VertexStandIn(
        args.port,
        storage_host=args.storage_host,
        tuning_pending_seconds=min(5.0, args.tuning_seconds / 4),
        tuning_running_seconds=args.tuning_seconds - min(5.0, args.tuning_seconds / 4),
    )
    standin.start()
    print(f"local Vertex AI serving on {standin.url}", flush=True)
    if args.ready_file:
        with open(args.ready_file, "w") as ready:
            json.dump({"url": standin.url}, ready)
    standin.serve_forever()


if __name__ == "__main__":
    main()
