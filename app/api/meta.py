"""The catalogue as JSON (for offline use) and the OpenAPI description."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from app.api import bp
from app.extensions import db
from app.models import Procedure
from app.schemas.dossier import ManifestSchema
from app.schemas.postal import PostalRequestSchema


@bp.get("/procedures")
def procedures():
    """Return every active procedure with its documents and fields."""
    rows = db.session.execute(
        db.select(Procedure).filter_by(active=True).order_by(Procedure.code)
    ).scalars()
    return jsonify([
        {
            "code": p.code, "name": p.name, "field": p.field, "agency": p.agency.name,
            "processing_time": p.processing_time, "time_unit": p.time_unit, "fee": p.fee,
            "postal_allowed": p.postal_allowed, "fields": p.form_fields,
            "requirements": [
                {"id": r.id, "name": r.name, "mandatory": r.mandatory,
                 "types": r.accepted_types.split(",")} for r in p.requirements
            ],
        }
        for p in rows
    ])


ERROR = {"type": "object", "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "details": {}}}


def build_spec() -> dict:
    """Describe the sync API, with request bodies taken from the marshmallow schemas."""
    spec = APISpec(title="Một Cửa sync API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.schema("Manifest", schema=ManifestSchema)
    spec.components.schema("Error", ERROR)
    err = {"content": {"application/json": {"schema": "Error"}}}
    spec.path(path="/api/v1/blobs/{sha256}", operations={"put": {
        "summary": "Upload one document, addressed by the SHA-256 of its bytes",
        "parameters": [{"name": "sha256", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
        "requestBody": {"content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}},
        "responses": {"201": {"description": "stored"}, "200": {"description": "already held"},
                      "413": err | {"description": "too large"},
                      "415": err | {"description": "not PDF, JPEG or PNG"},
                      "422": err | {"description": "hash does not match"}},
    }})
    spec.path(path="/api/v1/dossiers", operations={"post": {
        "summary": "Create a dossier from a manifest of uploaded blobs, exactly once",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                        "schema": {"type": "string", "format": "uuid"}}],
        "requestBody": {"content": {"application/json": {"schema": "Manifest"}}},
        "responses": {"201": {"description": "created"},
                      "200": {"description": "same key and payload: the existing dossier"},
                      "409": err | {"description": "blobs_missing or idempotency_conflict"},
                      "422": err | {"description": "invalid fields"}},
    }})
    spec.path(path="/api/v1/track", operations={"post": {
        "summary": "Status and timeline by dossier code plus phone or ID number",
        "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "required": ["code", "secret"],
            "properties": {"code": {"type": "string"}, "secret": {"type": "string"}}}}}},
        "responses": {"200": {"description": "found"},
                      "404": err | {"description": "no dossier matches the pair"},
                      "429": err | {"description": "too many lookups"}},
    }})
    spec.components.schema("PostalRequest", schema=PostalRequestSchema)
    spec.path(path="/api/v1/dossiers/{code}/postal-requests", operations={"post": {
        "summary": "Ask for the result (or the originals) by post, exactly once; authorised by "
                   "`token` (signed link) or `secret` (phone or ID number) in the body",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "Idempotency-Key", "in": "header", "required": True,
                        "schema": {"type": "string", "format": "uuid"}}],
        "requestBody": {"content": {"application/json": {"schema": "PostalRequest"}}},
        "responses": {"201": {"description": "registered"},
                      "200": {"description": "same key and payload: the existing request"},
                      "404": err | {"description": "no dossier matches the proof"},
                      "409": err | {"description": "idempotency_conflict or a request already active"},
                      "422": err | {"description": "procedure excluded, invalid address or ward"}},
    }})
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document."""
    return jsonify(build_spec())
