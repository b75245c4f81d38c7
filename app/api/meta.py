"""The catalogue as JSON (for offline use) and the OpenAPI description."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from app.api import agency_openapi, bp
from app.schemas.dossier import ManifestSchema
from app.schemas.postal import PostalRequestSchema
from app.schemas.rating import RatingSchema
from app.schemas.supplement import SupplementAnswerSchema
from app.services import catalogue


@bp.get("/procedures")
def procedures():
    """Return every procedure open for new dossiers, with the documents and fields it asks for."""
    rows = sorted(catalogue.search(), key=lambda p: p.code)
    return jsonify([
        {
            "code": p.code, "name": p.name, "field": p.field, "agency": p.agency.name,
            "processing_time": p.processing_time, "time_unit": p.time_unit, "fee": p.fee,
            "postal_allowed": p.postal_allowed, "fields": p.form_fields,
            "requirements": [
                {"id": r.id, "name": r.name, "mandatory": r.mandatory,
                 "types": r.accepted_types.split(",")} for r in p.active_requirements
            ],
        }
        for p in rows
    ])


ERROR = {"type": "object", "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "details": {}}}
# Every citizen write carries its proof in the body, so the outbox can replay it without cookies.
PROOF = {"type": "object", "description": "`token` (the signed link) or `secret` (phone or ID number)",
         "properties": {"token": {"type": "string"}, "secret": {"type": "string"}}}
SHA256 = {"name": "sha256", "in": "path", "required": True,
          "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
REQUEST_ID = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}
KEY = {"name": "Idempotency-Key", "in": "header", "required": True,
       "schema": {"type": "string", "format": "uuid"}}


def _err(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _proved(schema: str) -> dict:
    """A citizen write's body: the named schema plus the proof."""
    return _json({"allOf": [{"$ref": f"#/components/schemas/{schema}"},
                            {"$ref": "#/components/schemas/Proof"}]})


def _citizen_write(summary: str, body: dict, ok: dict, errors: dict[str, str]) -> dict:
    """Describe one citizen write under /dossiers/{code}: same key, proof and shared errors."""
    return {"summary": summary, "requestBody": body, "responses": ok | {
        "400": _err("Idempotency-Key missing or not a UUID, or the body is not JSON"),
        "404": _err("no dossier matches the proof"),
        "429": _err("too many lookups"),
        **{status: _err(text) for status, text in errors.items()}}}


def build_spec() -> dict:
    """Describe the sync API, with request bodies taken from the marshmallow schemas."""
    spec = APISpec(title="Một Cửa sync API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    for name, schema in (("Manifest", ManifestSchema), ("PostalRequest", PostalRequestSchema),
                         ("SupplementAnswer", SupplementAnswerSchema), ("Rating", RatingSchema)):
        spec.components.schema(name, schema=schema)
    spec.components.schema("Error", ERROR)
    spec.components.schema("Proof", PROOF)
    spec.path(path="/api/v1/procedures", operations={"get": {
        "summary": "Every procedure open for new dossiers, with the documents and fields it asks for",
        "responses": {"200": {"description": "the catalogue, for filling a dossier offline"}},
    }})
    spec.path(path="/api/v1/openapi.json", operations={"get": {
        "summary": "This document", "responses": {"200": {"description": "OpenAPI 3.0"}}}})
    spec.path(path="/api/v1/blobs/{sha256}", parameters=[SHA256], operations={
        "put": {
            "summary": "Upload one document, addressed by the SHA-256 of its bytes",
            "requestBody": {"content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}},
            "responses": {"201": {"description": "stored"}, "200": {"description": "already held"},
                          "413": _err("too large"), "415": _err("not PDF, JPEG or PNG"),
                          "422": _err("hash does not match")},
        },
        "get": {
            "summary": "Whether the server already holds a blob (its size and type, never its bytes)",
            "responses": {"200": {"description": "held"}, "404": _err("not held")},
        },
    })
    spec.path(path="/api/v1/dossiers", operations={"post": {
        "summary": "Create a dossier from a manifest of uploaded blobs, exactly once",
        "parameters": [KEY], "requestBody": _json("Manifest"),
        "responses": {"201": {"description": "created"},
                      "200": {"description": "same key and payload: the existing dossier"},
                      "400": _err("Idempotency-Key missing or not a UUID, or the body is not JSON"),
                      "409": _err("blobs_missing or idempotency_conflict"),
                      "422": _err("invalid fields, a retired document, or an agency no longer taking "
                                  "dossiers")},
    }})
    spec.path(path="/api/v1/track", operations={"post": {
        "summary": "Status and timeline by dossier code plus phone or ID number",
        "requestBody": _json({"type": "object", "required": ["code", "secret"],
                              "properties": {"code": {"type": "string"}, "secret": {"type": "string"}}}),
        "responses": {"200": {"description": "found"}, "404": _err("no dossier matches the pair"),
                      "429": _err("too many lookups")},
    }})
    spec.path(path="/api/v1/device/owners", operations={"post": {
        "summary": "Which of the account ids a device's old records name is the account signed in",
        "requestBody": _json({"type": "object", "required": ["accounts"], "additionalProperties": False,
                              "properties": {"accounts": {"type": "array", "maxItems": 50,
                                                          "items": {"type": "integer"}}}}),
        "responses": {"200": _json({"type": "object", "properties": {
                          "owner": {"type": "string", "description": "the account's device tag, or empty"},
                          "mine": {"type": "array", "items": {"type": "integer"}}}}) | {
                          "description": "the ids that are the signed-in account's (none when nobody is)"},
                      "400": _err("the body is not a JSON object"), "413": _err("the body is too large"),
                      "415": _err("not sent as JSON"), "422": _err("not a list of at most 50 integers")},
    }})
    spec.path(path="/api/v1/dossiers/{code}/postal-requests", parameters=[CODE, KEY], operations={
        "post": _citizen_write(
            "Ask for the result (or the originals) by post, exactly once",
            _proved("PostalRequest"),
            {"201": {"description": "registered"},
             "200": {"description": "same key and payload: the existing request"}},
            {"409": "idempotency_conflict, a request already active, or the dossier already closed",
             "422": "procedure excluded, invalid address or ward"})})
    spec.path(path="/api/v1/dossiers/{code}/postal-requests/{request_id}/change",
              parameters=[CODE, REQUEST_ID, KEY], operations={"post": _citizen_write(
                  "Change a postal request the post has not taken yet; priced again, exactly once",
                  _proved("PostalRequest"),
                  {"200": {"description": "changed (or the same key and payload again)"}},
                  {"409": "idempotency_conflict, or the request is cancelled or already handed to the post",
                   "422": "nothing changes, procedure excluded, invalid address or ward"})})
    spec.path(path="/api/v1/dossiers/{code}/postal-requests/{request_id}/cancel",
              parameters=[CODE, REQUEST_ID, KEY], operations={"post": _citizen_write(
                  "Cancel a postal request the post has not taken yet; the result is then returned "
                  "at the counter",
                  _json({"allOf": [{"$ref": "#/components/schemas/Proof"}, {
                      "type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}}]}),
                  {"200": {"description": "cancelled (or the same key and payload again)"}},
                  {"409": "idempotency_conflict, or the request is already cancelled or handed to the post",
                   "422": "reason longer than 500 characters"})})
    spec.path(path="/api/v1/dossiers/{code}/supplements", parameters=[CODE, KEY], operations={
        "post": _citizen_write(
            "Answer the open supplement request with uploaded blobs, exactly once",
            _proved("SupplementAnswer"),
            {"201": {"description": "answered"},
             "200": {"description": "same key and payload: the existing answer"}},
            {"409": "blobs_missing, idempotency_conflict, or no supplement requested now",
             "413": "the files together are too large", "422": "invalid fields"})})
    spec.path(path="/api/v1/dossiers/{code}/rating", parameters=[CODE, KEY], operations={
        "post": _citizen_write(
            "Rate how the dossier was handled, once per dossier",
            _proved("Rating"),
            {"201": {"description": "rated"},
             "200": {"description": "same key and payload: the existing rating"}},
            {"409": "already_rated, not_rateable yet, or idempotency_conflict",
             "422": "invalid level or comment"})})
    agency_openapi.describe(spec)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document."""
    return jsonify(build_spec())
