"""The OpenAPI document of /api/v1, built from the marshmallow schemas (apispec).

OpenAPI 3.1: its schemas are JSON Schema 2020-12, so a nullable field is `type: [..., "null"]`
and an empty-or-email field can say so (`anyOf`), and issue 12's webhooks have a place.

What every route shares is added here once, from the route itself, so a new route cannot
forget it: the operationId (the Flask endpoint's name, which links refer to), 404 for a path
parameter no row can have, and for a JSON body 400 (not strict JSON, or not an object), 413
(past MAX_JSON_BYTES) and 415 (not application/json), the body being required. The describing
modules (openapi_sync.py, agency_openapi.py) add what only they know: bodies, answers, the errors
of their own rules, links.
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_instance
from flask import current_app
from marshmallow import EXCLUDE, fields, validate

from app.schemas.bounded import INT64_MAX, INT64_MIN, INT_MAX, INT_MIN, DbInteger
from app.schemas.dossier import Trimmed
from app.schemas.errors import ErrorSchema

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
DESCRIPTION = (
    "The JSON API of Một Cửa: the offline outbox of the citizen's phone (blobs first, then the "
    "manifest with its Idempotency-Key; tracking; postal requests, supplement answers and ratings, "
    "each proved with the applicant's phone or ID number or the signed link) and the department API "
    "(/agency, bearer token). Every error has one shape, `Error`. A method a path does not list "
    "answers 405 with `Allow`; every 429 says when to come back (`Retry-After`, seconds). Bodies are "
    "read as I-JSON (RFC 7493): UTF-8 without lone surrogates, at most 32 levels deep, integers within "
    "64 bits, also in fields the API ignores (`JsonValue`); anything else is 400 invalid_json.")
# What a field the API does not read may hold, and what `Raw` fields (a procedure's own fields) take.
VALUE = {"$ref": "#/components/schemas/JsonValue"}
JSON_VALUE = {"description": "any JSON value the API's parser reads", "anyOf": [
    {"type": ["string", "boolean", "null"]},
    {"type": "integer", "minimum": INT64_MIN, "maximum": INT64_MAX},
    {"type": "number", "not": {"type": "integer"}},
    {"type": "array", "items": VALUE},
    {"type": "object", "additionalProperties": VALUE},
]}
HEADERS = {
    "Retry-After": {"description": "seconds to wait before trying again", "required": True,
                    "schema": {"type": "integer", "minimum": 1}},
    "Allow": {"description": "the methods this path answers", "required": True, "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "`true`: the answer first given to the same key and body",
                            "schema": {"type": "string", "enum": ["true"]}},
    "WWW-Authenticate": {"description": "Bearer realm=\"motcua-agency\", and the error when a token was sent",
                         "required": True, "schema": {"type": "string"}},
}
GENERIC = {
    400: "the body is not strict JSON, or not a JSON object",
    404: "no such path: a path parameter no record can have",
    413: "the body is larger than the API reads",
    415: "the body is not sent as application/json",
}


def ref(schema: str) -> dict:
    return {"$ref": f"#/components/schemas/{schema}"}


def error(description: str, *headers: str) -> dict:
    """One error answer: the Error schema, and the headers that come with it."""
    answer = {"description": description, "content": {JSON: {"schema": ref("Error")}}}
    if headers:
        answer["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in headers}
    return answer


def reply(schema: str | dict, description: str, links: dict | None = None, *headers: str) -> dict:
    """One 2xx answer with a JSON body of a named component schema (or an inline one)."""
    answer = {"description": description,
              "content": {JSON: {"schema": ref(schema) if isinstance(schema, str) else schema}}}
    if links:
        answer["links"] = links
    if headers:
        answer["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in headers}
    return answer


def body(schema: str | dict, example: dict | None = None) -> dict:
    """A required JSON request body, of a named component schema (or an inline one)."""
    media = {"schema": ref(schema) if isinstance(schema, str) else schema}
    if example:
        media["examples"] = {"valid": {"value": example}}
    return {"required": True, "content": {JSON: media}}


def errors(described: dict[int, str], limited: bool = False) -> dict:
    """The error answers of an operation; `limited`: it shares a rate limit (429, Retry-After)."""
    answers = {str(status): error(text) for status, text in described.items()}
    if limited:
        answers["429"] = error("too many requests from this client; wait Retry-After seconds", "Retry-After")
    return answers


def link(operation_id: str, description: str, parameters: dict | None = None, request_body=None) -> dict:
    """An OpenAPI link: what a client (or a stateful tester) does next with this answer."""
    found = {"operationId": operation_id, "description": description}
    if parameters:
        found["parameters"] = parameters
    if request_body is not None:
        found["requestBody"] = request_body
    return found


# What the server checks beyond marshmallow's own field types, said in the document too, so
# that a request the document calls valid is one the server reads (and the other way round).
def _bounded_integer(self, field, ret, **_):
    """DbInteger: an INTEGER column's range; any other integer: the parser's 64 bits."""
    if isinstance(field, fields.Integer):
        low, high = (INT_MIN, INT_MAX) if isinstance(field, DbInteger) else (INT64_MIN, INT64_MAX)
        ret.setdefault("minimum", low)
        ret.setdefault("maximum", high)
    return {}


def _empty_or_format(self, field, ret, **_):
    """A text field whose absence is "" (an optional e-mail): "" is as good as a valid value."""
    if isinstance(field, fields.String) and field.load_default == "" and "format" in ret:
        ret["anyOf"] = [{"format": ret.pop("format")}, {"const": ""}]
    return {}


def _json_value(self, field, ret, **_):
    """Raw: any JSON the parser reads (not any JSON at all)."""
    if type(field) is fields.Raw:
        ret.update(VALUE)
    return {}


def _trimmed_text(self, field, ret, **_):
    """Required text of a Trimmed schema is stripped first: it needs one non-blank character."""
    required = any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in field.validators)
    if isinstance(field.parent, Trimmed) and required and "pattern" not in ret:
        ret["pattern"] = r"\S"
    return {}


class Converter(OpenAPIConverter):
    def schema2jsonschema(self, schema):
        """A schema that ignores unknown fields takes any JsonValue in them (the parser's limits)."""
        document = super().schema2jsonschema(schema)
        if resolve_schema_instance(schema).unknown == EXCLUDE:
            document["additionalProperties"] = VALUE
        return document


class Plugin(MarshmallowPlugin):
    Converter = Converter


def new_spec() -> APISpec:
    """An empty document with the shared parts: the Error schema, headers, field rules."""
    plugin = Plugin()
    spec = APISpec(title="Một Cửa API", version="1", openapi_version=OPENAPI_VERSION, plugins=[plugin],
                   info={"description": DESCRIPTION})
    for rule in (_bounded_integer, _empty_or_format, _json_value, _trimmed_text):
        plugin.converter.add_attribute_function(rule)
    spec.components.schema("JsonValue", JSON_VALUE)
    spec.components.schema("Error", schema=ErrorSchema)
    for name, header in HEADERS.items():
        spec.components.header(name, header)
    spec.components.response("MethodNotAllowed", error("this path does not answer that method", "Allow"))
    return spec


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: /blobs/<sha256> -> /blobs/{sha256}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def complete(document: dict) -> dict:
    """Add to every operation what its route shares with every other (see the module's docstring)."""
    for rule in current_app.url_map.iter_rules():
        path = document["paths"].get(openapi_path(rule.rule))
        if path is None:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = path.get(method.lower())
            if operation is None:
                continue
            operation.setdefault("operationId", rule.endpoint.rsplit(".", 1)[-1])
            responses = operation["responses"]
            generic = [404] if rule.arguments else []
            if JSON in operation.get("requestBody", {}).get("content", {}):
                operation["requestBody"]["required"] = True  # api/__init__.py refuses a POST without
                generic += [400, 413, 415]
            for status in generic:
                responses.setdefault(str(status), error(GENERIC[status]))
    return document
