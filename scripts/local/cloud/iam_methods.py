"""Which IAM permission each request to a local stand-in needs, on which resource: one table, with its sources.

Each row is a `Method`: the service, the HTTP method and path (a regular expression whose named groups name the
resource), Google's REST method id, and the permission(s) Google's reference documents for it with the resource
each is checked on. A request no row matches is refused by the front (scripts/local/cloud/iam_front.py) as
unmapped, loudly: a new call gets its row here before it can pass. To add a call, append a `Method`.

Sources (read 2026-12-07):
- STORAGE: https://cloud.google.com/storage/docs/access-control/iam-json (IAM permissions for JSON methods:
  objects.insert needs storage.objects.create, and storage.objects.delete when an object of that name exists;
  objects.patch / update need storage.objects.update; objects.rewrite / copy need storage.objects.get on the
  source and create (and delete, over an existing object) on the destination; buckets.get storage.buckets.get;
  objects.list storage.objects.list; objects.get storage.objects.get; objects.delete storage.objects.delete).
- VERTEX: https://cloud.google.com/vertex-ai/docs/general/iam-permissions (each operation's permission on the
  `name` or `parent` resource) and https://cloud.google.com/vertex-ai/generative-ai/docs/access-control
  ("Make prompt requests: aiplatform.endpoints.predict", which generateContent and countTokens check).
- BIGQUERY: https://cloud.google.com/bigquery/docs/jobs-overview (jobs.insert needs bigquery.jobs.create; the
  creator of a job is granted bigquery.jobs.get on it), https://cloud.google.com/bigquery/docs/batch-loading-data
  (load jobs: bigquery.tables.updateData on the destination), the REST reference's per-method permissions
  (tables.get bigquery.tables.get, tabledata.list bigquery.tables.getData, tabledata.insertAll
  bigquery.tables.updateData, datasets.get bigquery.datasets.get).
- COMPOSER: https://cloud.google.com/composer/docs/reference/rest/v1/projects.locations.environments/get
  (composer.environments.get on the environment) and
  https://cloud.google.com/composer/docs/composer-3/access-airflow-api (the Airflow REST API behind Composer's
  front: a caller needs composer.environments.get; Airflow's own role then decides, Op by default).
The method ids match Google's discovery names, as in the iam-dataset map (terraform/iam/LICENSE-iam-dataset).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

STORAGE = "https://cloud.google.com/storage/docs/access-control/iam-json"
VERTEX = "https://cloud.google.com/vertex-ai/docs/general/iam-permissions"
VERTEX_GENAI = "https://cloud.google.com/vertex-ai/generative-ai/docs/access-control"
BQ_JOBS = "https://cloud.google.com/bigquery/docs/jobs-overview"
BQ_LOAD = "https://cloud.google.com/bigquery/docs/batch-loading-data"
BQ_REST = "https://cloud.google.com/bigquery/docs/reference/rest"
COMPOSER_GET = "https://cloud.google.com/composer/docs/reference/rest/v1/projects.locations.environments/get"
COMPOSER_AIRFLOW = "https://cloud.google.com/composer/docs/composer-3/access-airflow-api"

BUCKET = "projects/_/buckets/{bucket}"
OBJECT = "projects/_/buckets/{bucket}/objects/{object}"
DESTINATION = "projects/_/buckets/{dbucket}/objects/{dobject}"
V = r"/(?:v1|v1beta1)/"
LOC = r"projects/(?P<project>[^/]+)/locations/(?P<location>[^/:]+)"
STORE = LOC + r"/metadataStores/(?P<store>[^/:]+)"
TABLE = "projects/{project}/datasets/{dataset}/tables/{table}"
BQ = r"/bigquery/v2/projects/(?P<project>[^/]+)"
METADATA_KINDS = {"contexts": "contexts", "executions": "executions", "artifacts": "artifacts"}


@dataclass(frozen=True)
class Check:
    """One permission on one resource (a template over the path's named groups and the request's extras)."""

    permission: str
    resource: str
    only_if: str | None = None  # "exists": only when the resource already exists (an overwrite)


@dataclass(frozen=True)
class Method:
    service: str  # storage | aiplatform | bigquery | composer | airflow
    http: str
    path: str
    rest: str  # Google's method id
    checks: tuple[Check, ...]
    source: str
    extras: Callable | None = field(default=None, compare=False)  # request -> more template values

    def match(self, service: str, http: str, path: str) -> re.Match | None:
        if service != self.service or http != self.http:
            return None
        return re.fullmatch(self.path, path)


def _p(permission: str, resource: str, only_if: str | None = None) -> tuple[Check, ...]:
    return (Check(permission, resource, only_if),)


def _upload_name(request) -> dict[str, str]:
    """objects.insert names its object in ?name= or in the JSON metadata (multipart / resumable first part)."""
    name = request.arg("name")
    if not name:
        body = request.body or b""
        if body.lstrip().startswith(b"{"):
            name = request.json().get("name")
        else:  # multipart/related: the first part is the JSON metadata
            found = re.search(rb'"name"\s*:\s*"((?:[^"\\]|\\.)*)"', body)
            name = found.group(1).decode("unicode_escape") if found else None
    if not name:
        raise ValueError("objects.insert without an object name")
    return {"object": name}


def _query_tables(request) -> dict[str, str]:
    """The one table a jobs.query reads (`FROM \\`project.dataset.table\\``), for bigquery.tables.getData."""
    sql = (request.json() or {}).get("query", "")
    found = re.search(r"FROM\s+`([^`.]+)\.([^`.]+)\.([^`.]+)`", sql)
    if not found:
        raise ValueError(f"a query whose table the IAM front cannot read: {sql[:80]!r}")
    return {"qproject": found.group(1), "qdataset": found.group(2), "qtable": found.group(3)}


def _load_destination(request) -> dict[str, str]:
    """A load job's destination table (bigquery.tables.updateData is checked there)."""
    load = ((request.json() or {}).get("configuration") or {}).get("load")
    if not load:
        return {"dproject": "", "ddataset": "", "dtable": ""}
    table = load["destinationTable"]
    return {"dproject": table["projectId"], "ddataset": table["datasetId"], "dtable": table["tableId"]}


def _load_checks(request) -> dict[str, str]:
    return _load_destination(request)


METHODS: list[Method] = [
    # --- Cloud Storage (JSON API) ------------------------------------------------------------------------
    Method("storage", "GET", r"/storage/v1/b/(?P<bucket>[^/]+)", "storage.buckets.get",
           _p("storage.buckets.get", BUCKET), STORAGE),
    Method("storage", "GET", r"/storage/v1/b/(?P<bucket>[^/]+)/o", "storage.objects.list",
           _p("storage.objects.list", BUCKET), STORAGE),
    Method("storage", "GET", r"/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)", "storage.objects.get",
           _p("storage.objects.get", OBJECT), STORAGE),
    Method("storage", "GET", r"/download/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)", "storage.objects.get",
           _p("storage.objects.get", OBJECT), STORAGE),
    Method("storage", "POST", r"/upload/storage/v1/b/(?P<bucket>[^/]+)/o", "storage.objects.insert",
           (Check("storage.objects.create", OBJECT), Check("storage.objects.delete", OBJECT, "exists")), STORAGE,
           _upload_name),
    # A resumable upload's later requests carry the session URI, which objects.insert authorised.
    Method("storage", "PUT", r"/upload/storage/v1/b/(?P<bucket>[^/]+)/o", "storage.objects.insert (session)",
           (), STORAGE),
    Method("storage", "PATCH", r"/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)", "storage.objects.patch",
           _p("storage.objects.update", OBJECT), STORAGE),
    Method("storage", "PUT", r"/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)", "storage.objects.update",
           _p("storage.objects.update", OBJECT), STORAGE),
    *[
        Method("storage", "POST", rf"/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)/{verb}To/b/(?P<dbucket>[^/]+)"
               r"/o/(?P<dobject>.+)", f"storage.objects.{verb}",
               (Check("storage.objects.get", OBJECT), Check("storage.objects.create", DESTINATION),
                Check("storage.objects.delete", DESTINATION, "exists")), STORAGE)
        for verb in ("rewrite", "copy")
    ],
    Method("storage", "DELETE", r"/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<object>.+)", "storage.objects.delete",
           _p("storage.objects.delete", OBJECT), STORAGE),
    # --- Vertex AI --------------------------------------------------------------------------------------
    *[
        Method("aiplatform", "POST", rf"{V}{LOC}/{target}:{verb}", f"aiplatform.{kind}.{verb}",
               _p("aiplatform.endpoints.predict", "projects/{project}/locations/{location}"), VERTEX_GENAI)
        for target, kind in (
            (r"publishers/google/models/[^/:]+", "publishers.models"), (r"endpoints/[^/:]+", "endpoints")
        )
        for verb in ("generateContent", "countTokens")
    ],  # fmt: skip
    # publishers.models.get (the DAGs' preflight, google-genai's models.get): aiplatform.models.get (the
    # iam-dataset's map of this method); without a project in the path it is checked on the caller's project.
    Method("aiplatform", "GET", rf"{V}{LOC}/publishers/google/models/[^/:]+", "aiplatform.publishers.models.get",
           _p("aiplatform.models.get", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}publishers/google/models/[^/:]+", "aiplatform.publishers.models.get",
           _p("aiplatform.models.get", "projects/{caller_project}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}/tuningJobs", "aiplatform.tuningJobs.create",
           _p("aiplatform.tuningJobs.create", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}{LOC}/tuningJobs", "aiplatform.tuningJobs.list",
           _p("aiplatform.tuningJobs.list", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}{LOC}/tuningJobs/[^/:]+", "aiplatform.tuningJobs.get",
           _p("aiplatform.tuningJobs.get", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}/tuningJobs/[^/:]+:cancel", "aiplatform.tuningJobs.cancel",
           _p("aiplatform.tuningJobs.cancel", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}/batchPredictionJobs", "aiplatform.batchPredictionJobs.create",
           _p("aiplatform.batchPredictionJobs.create", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}{LOC}/batchPredictionJobs", "aiplatform.batchPredictionJobs.list",
           _p("aiplatform.batchPredictionJobs.list", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}{LOC}/batchPredictionJobs/[^/:]+", "aiplatform.batchPredictionJobs.get",
           _p("aiplatform.batchPredictionJobs.get", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}/batchPredictionJobs/[^/:]+:cancel",
           "aiplatform.batchPredictionJobs.cancel",
           _p("aiplatform.batchPredictionJobs.cancel", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}:evaluateInstances", "aiplatform.evaluateInstances",
           _p("aiplatform.locations.evaluateInstances", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{LOC}/metadataStores", "aiplatform.metadataStores.create",
           _p("aiplatform.metadataStores.create", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "GET", rf"{V}{STORE}", "aiplatform.metadataStores.get",
           _p("aiplatform.metadataStores.get", "projects/{project}/locations/{location}"), VERTEX),
    *[
        Method("aiplatform", http, rf"{V}{STORE}/{kind}{suffix}", f"aiplatform.metadataStores.{kind}.{verb}",
               _p(f"aiplatform.{kind}.{permission}", "projects/{project}/locations/{location}"), VERTEX)
        for kind in METADATA_KINDS
        for http, suffix, verb, permission in (
            ("POST", "", "create", "create"), ("GET", "", "list", "list"), ("GET", "/[^/:]+", "get", "get"),
            ("PATCH", "/[^/:]+", "patch", "update"), ("DELETE", "/[^/:]+", "delete", "delete"),
        )
    ],  # fmt: skip
    Method("aiplatform", "POST", rf"{V}{STORE}/contexts/[^/:]+:addContextChildren",
           "aiplatform.metadataStores.contexts.addContextChildren",
           _p("aiplatform.contexts.addContextChildren", "projects/{project}/locations/{location}"), VERTEX),
    Method("aiplatform", "POST", rf"{V}{STORE}/contexts/[^/:]+:addContextArtifactsAndExecutions",
           "aiplatform.metadataStores.contexts.addContextArtifactsAndExecutions",
           _p("aiplatform.contexts.addContextArtifactsAndExecutions", "projects/{project}/locations/{location}"),
           VERTEX),
    # --- BigQuery ---------------------------------------------------------------------------------------
    Method("bigquery", "POST", rf"{BQ}/jobs", "bigquery.jobs.insert",
           (Check("bigquery.jobs.create", "projects/{project}"),
            Check("bigquery.tables.updateData", "projects/{dproject}/datasets/{ddataset}/tables/{dtable}", "load")),
           BQ_LOAD, _load_checks),
    Method("bigquery", "GET", rf"{BQ}/jobs/[^/]+", "bigquery.jobs.get",
           _p("bigquery.jobs.create", "projects/{project}"), BQ_JOBS),  # the creator's own job
    Method("bigquery", "POST", rf"{BQ}/queries", "bigquery.jobs.query",
           (Check("bigquery.jobs.create", "projects/{project}"),
            Check("bigquery.tables.getData", "projects/{qproject}/datasets/{qdataset}/tables/{qtable}")),
           BQ_JOBS, _query_tables),
    Method("bigquery", "GET", rf"{BQ}/datasets/(?P<dataset>[^/]+)", "bigquery.datasets.get",
           _p("bigquery.datasets.get", "projects/{project}/datasets/{dataset}"), BQ_REST),
    Method("bigquery", "GET", rf"{BQ}/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)", "bigquery.tables.get",
           _p("bigquery.tables.get", TABLE), BQ_REST),
    Method("bigquery", "GET", rf"{BQ}/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)/data",
           "bigquery.tabledata.list", _p("bigquery.tables.getData", TABLE), BQ_REST),
    Method("bigquery", "POST", rf"{BQ}/datasets/(?P<dataset>[^/]+)/tables/(?P<table>[^/]+)/insertAll",
           "bigquery.tabledata.insertAll", _p("bigquery.tables.updateData", TABLE), BQ_REST),
    Method("bigquery", "POST", rf"{BQ}/datasets", "bigquery.datasets.insert",
           _p("bigquery.datasets.create", "projects/{project}"), BQ_REST),
    Method("bigquery", "POST", rf"{BQ}/datasets/(?P<dataset>[^/]+)/tables", "bigquery.tables.insert",
           _p("bigquery.tables.create", "projects/{project}/datasets/{dataset}"), BQ_REST),
    # --- Composer and the Airflow REST API behind it ----------------------------------------------------
    Method("composer", "GET", r"/v1/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)"
           r"/environments/(?P<env>[^/]+)",
           "composer.projects.locations.environments.get",
           _p("composer.environments.get", "projects/{project}/locations/{location}/environments/{env}"), COMPOSER_GET),
    Method("airflow", "GET", r"/api/.+", "Airflow REST API (read) through Composer",
           _p("composer.environments.get", "{environment}"), COMPOSER_AIRFLOW),
]  # fmt: skip


def find(service: str, http: str, path: str) -> tuple[Method, dict[str, str]] | None:
    """The first row matching the request, with the path's named groups."""
    for method in METHODS:
        match = method.match(service, http, path)
        if match is not None:
            return method, {k: v for k, v in match.groupdict().items() if v is not None}
    return None
