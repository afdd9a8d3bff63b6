"""Structured output for the Vertex AI stand-in: deterministic JSON that fits the request's response schema.

A generateContent request may ask for JSON (`generationConfig.responseMimeType` "application/json") of a shape:
`responseSchema` (Vertex AI's OpenAPI subset: OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN; enum, required,
minItems/maxItems, minimum/maximum, nullable, anyOf) or `responseJsonSchema` (JSON Schema, as pydantic writes it:
`$defs`/`$ref`, `anyOf`, type lists, `const`). `answer_json` builds the answer from the request's own text answer
(`seed`, the stand-in's `[model digest] lead` string) so tests can assert it:

- every property the schema lists, in `propertyOrdering` order (else as listed); a string is the seed (padded or
  cut to minLength/maxLength), an enum or const value is picked by the seed's digest;
- an integer or number is picked by the digest within [minimum, maximum] when both are set, else it is the lower
  bound (or 0) plus its position in its array, so "start"/"end" pairs never run backwards;
- an array holds minItems items (none without minItems: a model's list is never padded with made-up entries,
  which a DAG's own check, like composer_status_report's "no invented DAG ids", would refuse);
- a boolean is a bit of the digest; a nullable or optional value is still given.

`schemas_of` refuses what Vertex AI refuses with a 400 naming the field: a schema without JSON (or text/x.enum)
as the mime type, both schema fields at once, an OBJECT without properties, `required` naming an unknown property,
an ARRAY without items, an enum on a non-STRING type, minimum above maximum, a `responseJsonSchema` that is not a
valid JSON Schema. A string `pattern` is refused with 501: the stand-in cannot write text to match one.
"""

from __future__ import annotations

import hashlib
import json

from scripts.local.cloud.http import ApiError

JSON_MIME = "application/json"
ENUM_MIME = "text/x.enum"
SCHEMA_MIMES = (JSON_MIME, ENUM_MIME)
OPENAPI_TYPES = {"OBJECT", "ARRAY", "STRING", "INTEGER", "NUMBER", "BOOLEAN"}
FIELD = "GenerateContentRequest.generation_config.response_schema"
INTEGER_FIELDS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties")


def schemas_of(config: dict) -> tuple[dict | None, dict | None]:
    """(responseSchema as JSON Schema, responseJsonSchema) of a normalised generationConfig, checked (else 400)."""
    mime = config.get("responseMimeType", "")
    openapi, json_schema = config.get("responseSchema"), config.get("responseJsonSchema")
    if openapi is not None and json_schema is not None:
        raise ApiError(400, "response_schema and response_json_schema cannot both be set: use one of them.")
    if (openapi is not None or json_schema is not None) and mime not in SCHEMA_MIMES:
        raise ApiError(
            400,
            f"response_mime_type {mime or '(unset)'!r} does not support a response schema: set response_mime_type "
            f"to {JSON_MIME} or {ENUM_MIME}.",
        )
    if openapi is not None:
        return from_openapi(openapi, FIELD), None
    if json_schema is not None:
        check_json_schema(json_schema)
    return None, json_schema


def from_openapi(schema: dict, where: str) -> dict:
    """A Vertex AI Schema (proto JSON: camelCase, enum names, int64 as strings) as JSON Schema; 400 if malformed."""
    kind = schema.get("type")
    result: dict = {key: int(schema[key]) for key in INTEGER_FIELDS if key in schema}
    result.update({key: schema[key] for key in ("minimum", "maximum", "format", "pattern") if key in schema})
    if "anyOf" in schema:
        result["anyOf"] = [from_openapi(option, f"{where}.any_of[{i}]") for i, option in enumerate(schema["anyOf"])]
    elif kind not in OPENAPI_TYPES:
        raise ApiError(400, f"{where}.type: must be one of {', '.join(sorted(OPENAPI_TYPES))} (got {kind!r}).")
    else:
        result["type"] = kind.lower()
    if "enum" in schema:
        if kind != "STRING":
            raise ApiError(400, f"{where}.enum: only allowed for STRING type.")
        result["enum"] = list(schema["enum"])
    if "minimum" in result and "maximum" in result and result["minimum"] > result["maximum"]:
        raise ApiError(400, f"{where}: minimum {result['minimum']} is greater than maximum {result['maximum']}.")
    if result.get("minItems", 0) > result.get("maxItems", result.get("minItems", 0)):
        raise ApiError(400, f"{where}: min_items {result['minItems']} is greater than max_items {result['maxItems']}.")
    if kind == "ARRAY":
        if "items" not in schema:
            raise ApiError(400, f"{where}.items: missing field.")
        result["items"] = from_openapi(schema["items"], f"{where}.items")
    if kind == "OBJECT":
        properties = schema.get("properties") or {}
        if not properties:
            raise ApiError(400, f"{where}.properties: should be non-empty for OBJECT type.")
        for index, name in enumerate(schema.get("required", [])):
            if name not in properties:
                raise ApiError(400, f"{where}.required[{index}]: property {name!r} is not defined.")
        order = schema.get("propertyOrdering") or list(properties)
        if sorted(order) != sorted(properties):
            raise ApiError(400, f"{where}.property_ordering: must name every property exactly once.")
        result["properties"] = {name: from_openapi(properties[name], f"{where}.properties[{name}]") for name in order}
        result["required"] = list(schema.get("required", []))
    return result


def check_json_schema(schema) -> None:
    """A responseJsonSchema must be a JSON Schema object (Draft 2020-12 meta-schema); else 400 naming the problem."""
    from jsonschema import Draft202012Validator, SchemaError

    if not isinstance(schema, dict):
        raise ApiError(400, "GenerateContentRequest.generation_config.response_json_schema: must be an object.")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        path = "/".join(map(str, error.absolute_path)) or "(top level)"
        raise ApiError(
            400, f"GenerateContentRequest.generation_config.response_json_schema at {path}: {error.message}"
        ) from None


class Builder:
    """Deterministic values of a JSON Schema from the `seed` text (and its digest)."""

    def __init__(self, seed: str, root: dict):
        self.seed = seed
        self.root = root

    def number(self, salt: str) -> int:
        """A large number fixed by the seed and `salt` (a value's path in the answer)."""
        return int(hashlib.sha256(f"{self.seed}\n{salt}".encode()).hexdigest(), 16)

    def pick(self, options: list, salt: str):
        return options[self.number(salt) % len(options)]

    def resolve(self, schema: dict) -> dict:
        """`schema` with a local `$ref` (#/$defs/... or #/definitions/...) followed; other refs are a 400."""
        while "$ref" in schema:
            ref = schema["$ref"]
            target = self.root
            if not ref.startswith("#/"):
                raise ApiError(400, f"response_json_schema: only local $ref values (#/...) are supported, not {ref!r}.")
            for key in ref[2:].split("/"):
                if not isinstance(target, dict) or key not in target:
                    raise ApiError(400, f"response_json_schema: $ref {ref!r} does not resolve.")
                target = target[key]
            schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **target}
        return schema

    def value(self, schema, path: str = "", index: int = 0):
        if schema is True or schema == {}:
            return self.seed
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self.pick(list(schema["enum"]), path)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            usable = [o for o in options if self.resolve(o).get("type") != "null"] or options
            return self.value(usable[0], path, index)
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            return self.value(merged, path, index)
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        return getattr(self, f"_{kind}")(schema, path, index)

    def _object(self, schema: dict, path: str, index: int) -> dict:
        return {name: self.value(sub, f"{path}/{name}") for name, sub in (schema.get("properties") or {}).items()}

    def _array(self, schema: dict, path: str, index: int) -> list:
        count = int(schema.get("minItems", 0))  # the fewest the schema allows: never an invented list item
        return [self.value(schema.get("items", {}), f"{path}/{i}", i) for i in range(count)]

    def _string(self, schema: dict, path: str, index: int) -> str:
        if "pattern" in schema:
            raise ApiError(
                501, f"The local Vertex AI cannot answer a string of pattern {schema['pattern']!r} ({path})."
            )
        if schema.get("format") == "date-time":
            return "2024-01-01T00:00:00Z"
        if schema.get("format") == "date":
            return "2024-01-01"
        text = self.seed
        minimum, maximum = int(schema.get("minLength", 0)), schema.get("maxLength")
        while len(text) < minimum:
            text += " " + self.seed
        return text[: int(maximum)] if maximum is not None else text

    def _number(self, schema: dict, path: str, index: int):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if "exclusiveMinimum" in schema and "minimum" not in schema:
            low = low + 1
        if "exclusiveMaximum" in schema and "maximum" not in schema:
            high = high - 1
        if low is not None and high is not None:
            value = low + self.number(path) % (int(high - low) + 1)
        else:
            value = (low if low is not None else 0) + index
            if high is not None:
                value = min(value, high)
        return value

    def _integer(self, schema: dict, path: str, index: int) -> int:
        return int(self._number(schema, path, index))

    def _boolean(self, schema: dict, path: str, index: int) -> bool:
        return self.pick([True, False], path)

    def _null(self, schema: dict, path: str, index: int) -> None:
        return None


def answer_text(seed: str, config: dict) -> str:
    """The answer to a request whose normalised generationConfig is `config` and whose text answer is `seed`:
    `seed` itself, an enum value (text/x.enum), JSON of the schema, or `{"answer": seed}` (JSON, no schema)."""
    mime = config.get("responseMimeType", "")
    openapi, json_schema = schemas_of(config)
    schema = openapi if openapi is not None else json_schema
    if mime == ENUM_MIME:
        if schema is None or not schema.get("enum"):
            raise ApiError(400, f"response_mime_type {ENUM_MIME} needs a response_schema of STRING type with an enum.")
        return Builder(seed, schema).value(schema)
    if mime != JSON_MIME:
        return seed
    if schema is None:
        return json.dumps({"answer": seed})
    return json.dumps(Builder(seed, schema).value(schema), ensure_ascii=False)
