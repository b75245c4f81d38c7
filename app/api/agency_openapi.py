"""The department API's part of the OpenAPI document, from the schemas in app/schemas/agency.py."""

from app.api.openapi import link
from app.schemas.agency import (
    ActionResultSchema,
    ChangesPageSchema,
    DossierItemSchema,
    ImportSchema,
    TransitionSchema,
)

CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
KEY = {"name": "Idempotency-Key", "in": "header", "required": True,
       "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._:\\-]{0,99}$"},
       "description": "the same key and body again get the first answer (header Idempotent-Replayed)"}
SECURITY = [{"agencyToken": []}]


def _err(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _json(schema: str, description: str, replayed: bool = False, links: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if replayed:  # app/api/openapi.py HEADERS
        answer["headers"] = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}
    if links:
        answer["links"] = links
    return answer


# What a department's system does next with an answer (and a stateful tester follows).
READ = {"Read": link("agency_dossier", "read the dossier", {"code": "$response.body#/code"})}
ACT = {"Act": link("agency_transition", "act on it with the version just read",
                   {"code": "$response.body#/code"}, {"version": "$response.body#/version"}),
       "Download": link("agency_document", "download its first document",
                        {"code": "$response.body#/code", "document_id": "$response.body#/documents/0/id"})}
FIRST = {"Read": link("agency_dossier", "read the first changed dossier",
                      {"code": "$response.body#/items/0/code"})}


def _auth(scope: str) -> dict:
    unauthorised = _err("no token, an unknown one or a revoked one (WWW-Authenticate: Bearer)")
    unauthorised["headers"] = {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}
    return {"401": unauthorised, "403": _err(f"the token has no `{scope}` scope")}


def describe(spec) -> None:
    """Add the /api/v1/agency paths, their schemas and the bearer scheme to `spec`."""
    for name, schema in (("AgencyDossier", DossierItemSchema), ("AgencyChanges", ChangesPageSchema),
                         ("AgencyTransition", TransitionSchema), ("AgencyImport", ImportSchema),
                         ("AgencyActionResult", ActionResultSchema)):
        spec.components.schema(name, schema=schema)
    spec.components.security_scheme("agencyToken", {
        "type": "http", "scheme": "bearer",
        "description": "a token of one agency (mc_...), issued by an administrator; scopes read, write"})
    spec.path(path="/api/v1/agency/dossiers/changes", operations={"get": {
        "summary": "The agency's dossiers whose status, documents or data changed, oldest change first",
        "description": "Follow next_cursor from the start (no `after`) and every change is seen exactly "
                       "once, in commit order, even while others write.",
        "security": SECURITY, "parameters": [
            {"name": "after", "in": "query", "schema": {"type": "string", "maxLength": 40}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500,
                                                         "default": 100}}],
        "responses": {"200": _json("AgencyChanges", "a page of changes", links=FIRST),
                      "400": _err("invalid_cursor or invalid_parameter"), **_auth("read")}}})
    spec.path(path="/api/v1/agency/dossiers/{code}", parameters=[CODE], operations={"get": {
        "summary": "One dossier of the agency, with its documents and timeline", "security": SECURITY,
        "responses": {"200": _json("AgencyDossier", "the dossier", links=ACT),
                      "404": _err("no such dossier, or another agency's"), **_auth("read")}}})
    spec.path(path="/api/v1/agency/dossiers/{code}/documents/{document_id}", parameters=[
        CODE, {"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        operations={"get": {
            "summary": "Download one document of the agency's dossier (ETag: SHA-256 of the bytes)",
            "security": SECURITY,
            "responses": {"200": {"description": "the file, as stored", "content": dict.fromkeys(
                ("application/pdf", "image/jpeg", "image/png"),
                {"schema": {"type": "string", "format": "binary"}})},
                "404": _err("no such document"), **_auth("read")}}})
    spec.path(path="/api/v1/agency/dossiers/{code}/transitions", parameters=[CODE, KEY], operations={"post": {
        "summary": "Make one transition with the rules a staff member of the agency has",
        "description": "Upload result documents first with PUT /api/v1/blobs/{sha256} and this token: "
                       "a file is held for the agency that sent it, any other is blobs_missing.",
        "security": SECURITY,
        "requestBody": {"content": {"application/json": {"schema": "AgencyTransition"}}},
        "responses": {"200": _json("AgencyActionResult", "done (or the same key and body again)", True, READ),
                      "400": _err("Idempotency-Key missing or malformed"),
                      "404": _err("no such dossier, or another agency's"),
                      "409": _err("wrong_status (with the reason), blobs_missing or idempotency_conflict"),
                      "412": _err("version_mismatch: details.current_version is the one to send"),
                      "422": _err("invalid fields, or what the action needs is missing"),
                      **_auth("write"), "403": _err("no `write` scope, or not an action for this agency")}}})
    spec.path(path="/api/v1/agency/dossiers", parameters=[KEY], operations={"post": {
        "summary": "Bring in a dossier the agency received in its own system (its own id as the key)",
        "description": "Made through the one submission path, accepted and forwarded at received_at, so "
                       "the centre's report counts it; status 4 afterwards. Its documents are uploaded "
                       "first with PUT /api/v1/blobs/{sha256} and this token (held for the agency).",
        "security": SECURITY, "requestBody": {"content": {"application/json": {"schema": "AgencyImport"}}},
        "responses": {"201": _json("AgencyActionResult", "created", links=READ),
                      "200": _json("AgencyActionResult", "the same key and body again", True, READ),
                      "400": _err("Idempotency-Key missing or malformed"),
                      "409": _err("blobs_missing (files not uploaded with this agency's token) or "
                                  "idempotency_conflict"),
                      "422": _err("invalid fields, or a procedure of another agency"), **_auth("write")}}})
