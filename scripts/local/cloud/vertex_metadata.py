"""The Vertex AI metadata store subset that experiment tracking (`EvalTask(experiment=...)`) calls.

Experiments and experiment runs are metadata *contexts*; parameters and metrics are their `metadata`; runs hang
under the experiment with addContextChildren. The stand-in keeps metadataStores, contexts, executions and
artifacts in memory: create (a second create of the same id is 409 ALREADY_EXISTS, as on Vertex AI), get,
patch, list (filter by `schema_title="..."`, `parent_contexts:"..."`), delete, addContextChildren and
addContextArtifactsAndExecutions. Bodies are parsed with the google-cloud-aiplatform v1 types (unknown fields: 400).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

from scripts.local.cloud.http import ApiError
from scripts.local.cloud.vertex_schema import filter_terms, normalised

COLLECTIONS = {  # collection -> (proto type name, id query parameter)
    "metadataStores": ("MetadataStore", "metadataStoreId"),
    "contexts": ("Context", "contextId"),
    "executions": ("Execution", "executionId"),
    "artifacts": ("Artifact", "artifactId"),
}
FILTER_TERM = re.compile(r'\s*(?P<key>schema_title|parent_contexts|display_name)\s*(?P<op>=|:)\s*"(?P<value>[^"]*)"\s*')
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Metadata:
    """In-memory metadata resources keyed by their full resource name."""

    def __init__(self):
        self._resources: dict[str, dict] = {}
        self._children: dict[str, list[str]] = {}  # context -> child contexts
        self._lock = threading.Lock()
        self._ids = iter(range(1, 1 << 31))

    def create(self, parent: str, collection: str, body: dict, resource_id: str | None, version: str) -> dict:
        type_name, _ = COLLECTIONS[collection]
        resource = normalised(type_name, body, version)
        if collection != "metadataStores" and self._get(parent) is None:
            raise ApiError(404, f"MetadataStore {parent} not found.")
        if resource_id is None:
            resource_id = str(next(self._ids))
        elif not ID_PATTERN.fullmatch(resource_id):
            raise ApiError(400, f"Invalid {type_name} id {resource_id!r}: use [a-z0-9][a-z0-9-]{{0,127}}.")
        name = f"{parent}/{collection}/{resource_id}"
        stamp = _now()
        resource.update(name=name, createTime=stamp, updateTime=stamp, etag=str(time.time_ns()))
        with self._lock:
            if name in self._resources:
                raise ApiError(409, f"{type_name} {name} already exists.")
            self._resources[name] = resource
        return resource

    def _get(self, name: str) -> dict | None:
        with self._lock:
            return self._resources.get(name)

    def get(self, name: str) -> dict:
        resource = self._get(name)
        if resource is None:
            raise ApiError(404, f"{name} not found.")
        return resource

    def patch(self, name: str, collection: str, body: dict, update_mask: str | None, version: str) -> dict:
        type_name, _ = COLLECTIONS[collection]
        changes = normalised(type_name, body, version)
        with self._lock:
            resource = self._resources.get(name)
            if resource is None:
                raise ApiError(404, f"{name} not found.")
            fields = [_camel(f) for f in update_mask.split(",")] if update_mask else list(changes)
            for key in fields:
                if key in changes:
                    resource[key] = changes[key]
                else:
                    resource.pop(key, None)
            resource.update(updateTime=_now(), etag=str(time.time_ns()))
            return resource

    def delete(self, name: str) -> dict:
        with self._lock:
            if self._resources.pop(name, None) is None:
                raise ApiError(404, f"{name} not found.")
        return {"name": f"{name}/operations/delete", "done": True}

    def list(self, parent: str, collection: str, filter_text: str | None) -> dict:
        terms = _parse_filter(filter_text)
        prefix = f"{parent}/{collection}/"
        with self._lock:
            found = [r for n, r in self._resources.items() if n.startswith(prefix) and "/" not in n[len(prefix) :]]
            children = {child: parent for parent, kids in self._children.items() for child in kids}
        result = [r for r in found if all(_matches(r, term, children) for term in terms)]
        return {collection: result} if result else {}

    def add_context_children(self, context: str, children: list[str]) -> dict:
        self.get(context)
        for child in children:
            self.get(child)
        with self._lock:
            known = self._children.setdefault(context, [])
            known.extend(child for child in children if child not in known)
        return {}

    def add_context_artifacts_and_executions(self, context: str, artifacts: list[str], executions: list[str]) -> dict:
        self.get(context)
        for name in [*artifacts, *executions]:
            self.get(name)
        return {}


def _camel(field: str) -> str:
    head, *rest = field.strip().split("_")
    return head + "".join(part.title() for part in rest)


def _parse_filter(text: str | None) -> list[tuple[str, str, str]]:
    usage = 'schema_title="...", parent_contexts:"...", display_name="..." joined by AND'
    return [(match["key"], match["op"], match["value"]) for match in filter_terms(text, FILTER_TERM, usage)]


def _matches(resource: dict, term: tuple[str, str, str], parents: dict[str, str]) -> bool:
    key, _, value = term
    if key == "schema_title":
        return resource.get("schemaTitle") == value
    if key == "display_name":
        return resource.get("displayName") == value
    return parents.get(resource["name"]) == value
