"""The catalogue as JSON (for offline use) and the OpenAPI description."""

from flask import current_app, jsonify

from app.api import agency_openapi, bp, openapi_sync, webhooks_openapi
from app.api.openapi import complete, new_spec
from app.services.catalogue import procedures as catalogue


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


def build_spec() -> dict:
    """The OpenAPI document: every /api/v1 route and every webhook, from the marshmallow schemas."""
    spec = new_spec()
    openapi_sync.describe(spec)
    agency_openapi.describe(spec)
    webhooks_openapi.describe(spec)
    return webhooks_openapi.add(complete(spec.to_dict()))


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document, built once per app (it depends on the code alone)."""
    document = current_app.extensions.get("openapi")
    if document is None:
        document = current_app.extensions["openapi"] = build_spec()
    return jsonify(document)
