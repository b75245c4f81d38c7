"""The citizen's sync API in the OpenAPI document: bodies and answers from app/schemas, and links.

The links let a client (or a stateful tester) chain what the outbox does: upload the files,
file the dossier naming them, then track it and act on it with the applicant's phone, which
the filing itself carried (`$request.body#/applicant/phone`).
"""

from app.api.openapi import body, errors, link, ref, reply
from app.schemas.blob import SHA256_PATTERN, BlobSchema
from app.schemas.catalogue import ProcedureSchema
from app.schemas.device import DeviceOwnersReplySchema, DeviceOwnersSchema
from app.schemas.dossier import DossierSummarySchema, ManifestSchema, ProofSchema, TrackedSchema
from app.schemas.postal import PostalCancelSchema, PostalRequestSchema, PostalSummarySchema
from app.schemas.rating import RatingReplySchema, RatingSchema
from app.schemas.supplement import SupplementAnswerSchema, SupplementReplySchema
from app.schemas.track import TrackSchema

SCHEMAS = {
    "Procedure": ProcedureSchema, "Blob": BlobSchema, "Manifest": ManifestSchema,
    "DossierSummary": DossierSummarySchema, "TrackRequest": TrackSchema, "Tracked": TrackedSchema,
    "Proof": ProofSchema, "PostalRequest": PostalRequestSchema, "PostalCancel": PostalCancelSchema,
    "PostalSummary": PostalSummarySchema, "SupplementAnswer": SupplementAnswerSchema,
    "SupplementReply": SupplementReplySchema, "Rating": RatingSchema, "RatingReply": RatingReplySchema,
    "DeviceOwners": DeviceOwnersSchema, "DeviceOwnersReply": DeviceOwnersReplySchema,
}
SHA256 = {"name": "sha256", "in": "path", "required": True,
          "schema": {"type": "string", "pattern": SHA256_PATTERN}}
CODE = {"name": "code", "in": "path", "required": True,
        "description": "the dossier code, e.g. 000.00.00.H40-260301-0001",
        "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
REQUEST_ID = {"name": "request_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
KEY = {"name": "Idempotency-Key", "in": "header", "required": True,
       "schema": {"type": "string", "format": "uuid"},
       "description": "one per write, kept by the outbox: the same key and body again get the first answer"}
KEY_OR_JSON = "Idempotency-Key missing or not a UUID, or the body is not a JSON object"
BINARY = {"schema": {"type": "string", "format": "binary"}}
# A browser needs no token; an agency uploads with its own, and the blob is held for the agency.
OPTIONAL_TOKEN = [{}, {"agencyToken": []}]
# A phone or ID number is enough proof for each citizen write: the secret the filing carried.
PHONE = "$request.body#/applicant/phone"
# Tracking needs the code and one non-blank secret (`phone` and `id_number` are older names).
ONE_SECRET = {"anyOf": [{"required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}}
                        for name in ("secret", "phone", "id_number")]}
# The device queued this while signed in: the account (its device tag, or an old numeric id)
# must be the one signed in now, or the answer is 401 and nothing is filed.
ACCOUNT = {"properties": {"account": {"anyOf": [
    {"type": "string", "minLength": 32, "maxLength": 32}, {"type": "integer"}]}}}
EXAMPLE_MANIFEST = {
    "procedure": "2.000635",
    "applicant": {"name": "Nguyễn Văn An", "id_number": "079203001234", "phone": "0912345678",
                  "email": "", "address": "12 Lê Lợi, phường Tân Ninh, Tây Ninh"},
    "fields": {"purpose": "Bổ sung hồ sơ", "copies": 1},
    "documents": [{"requirement": 1, "name": "to-khai.pdf", "sha256": "0" * 64}],
    "return_method": "counter",
}


def _proved(name: str) -> dict:
    """A citizen write's body: the named schema and the proof (phone, ID number or signed link).

    Without either the answer is 404, as for a wrong one; with a token, only the token counts.
    """
    either = {"anyOf": [{"required": ["secret"]}, {"required": ["token"]}]}
    return body({"allOf": [ref(name), ref("Proof"), either]})


def _acts_on_dossier(code: str, secret: str | None = None) -> dict:
    """Links from an answer that names a dossier to every write on it (with the proof, if known)."""
    params, proof = {"code": code}, ({"secret": secret} if secret else None)
    return {
        "AskForPost": link("create_postal_request", "ask for the result by post", params, proof),
        "AnswerSupplement": link("answer_supplement", "answer a supplement request", params, proof),
        "Rate": link("rate", "rate the handling (409 until the dossier is finished)", params, proof),
    }


def _citizen_write(summary: str, request: dict, ok: dict, described: dict[int, str]) -> dict:
    """One write under /dossiers/{code}: the key, the proof and the errors they bring."""
    return {"summary": summary, "parameters": [KEY], "requestBody": request, "responses": ok | errors({
        400: KEY_OR_JSON, 403: "link_expired: the signed link is genuine but too old; prove with the phone",
        404: "no dossier matches the code and proof", **described}, limited=True)}


def _catalogue(spec) -> None:
    spec.path(path="/api/v1/procedures", operations={"get": {
        "summary": "Every procedure open for new dossiers, with the documents and fields it asks for",
        "responses": {"200": reply({"type": "array", "items": ref("Procedure")},
                                   "the catalogue, for filling a dossier offline",
                                   {"File": link("create_dossier", "file a dossier for the first procedure",
                                                 request_body={"procedure": "$response.body#/0/code"})})}}})
    spec.path(path="/api/v1/openapi.json", operations={"get": {
        "summary": "This document",
        "responses": {"200": reply({"type": "object", "required": ["openapi", "paths"]},
                                   f"OpenAPI {spec.openapi_version}")}}})


# Blobs are shared by content, so what the API says about one is about your own uploads only.
HELD_FOR_YOU = ("A blob is held for you once you uploaded it: you are this browser (its session cookie) "
                "and the account signed in, or, with `Authorization: Bearer`, the token's agency. Whether "
                "anybody else sent the same bytes is never said: not by these answers, nor by a "
                "dossier's, supplement's or transition's `blobs_missing`, nor by the time taken (the "
                "whole body is read, checked and stored each time).")


def _blobs(spec) -> None:
    held = {"Held": link("head_blob", "ask whether it is held for you", {"sha256": "$response.body#/sha256"}),
            "File": link("create_dossier", "name it in a dossier's manifest",
                         request_body={"documents": [{"sha256": "$response.body#/sha256"}]})}
    media = ("application/octet-stream", "image/jpeg", "image/png", "application/pdf")
    spec.path(path="/api/v1/blobs/{sha256}", parameters=[SHA256], operations={
        "put": {
            "summary": "Upload one document, addressed by the SHA-256 of its bytes (any media type is "
                       "taken: the bytes are judged); held for you from then on",
            "description": HELD_FOR_YOU, "security": OPTIONAL_TOKEN,
            "requestBody": {"required": True, "content": dict.fromkeys(media, BINARY)},
            "responses": {"201": reply("Blob", "stored: new for you (whether or not anybody else sent it)",
                                       held),
                          "200": reply("Blob", "already held for you: you sent it before", held),
                          **errors({401: "a bearer token sent that is unknown or revoked",
                                    403: "a bearer token without the `write` scope",
                                    413: "larger than MAX_FILE_MB",
                                    415: "not a PDF, JPEG or PNG, or an image that does not decode or has "
                                         "too many pixels",
                                    422: "invalid_hash (not 64 hex digits) or hash_mismatch"})},
        },
        "get": {
            "summary": "Whether the server holds a blob for you (its size and type, never its bytes)",
            "description": HELD_FOR_YOU, "security": OPTIONAL_TOKEN,
            "responses": {"200": reply("Blob", "held for you: you uploaded it"),
                          **errors({401: "a bearer token sent that is unknown or revoked",
                                    403: "a bearer token without the `read` scope",
                                    404: "not held for you: the same answer whether or not anybody else "
                                         "sent it"})},
        },
    })


def _dossiers(spec) -> None:
    filed = {"Track": link("track", "track it",
                           request_body={"code": "$response.body#/code", "secret": PHONE}),
             **_acts_on_dossier("$response.body#/code", PHONE)}
    spec.path(path="/api/v1/dossiers", operations={"post": {
        "summary": "File a dossier from a manifest of uploaded blobs, exactly once per Idempotency-Key",
        "parameters": [KEY], "requestBody": body({"allOf": [ref("Manifest"), ACCOUNT]}, EXAMPLE_MANIFEST),
        "responses": {
            "201": reply("DossierSummary", "filed", filed),
            "200": reply("DossierSummary", "the same key and body again: the dossier filed then", filed),
            **errors({400: KEY_OR_JSON,
                      401: "signin_required: queued while signed in, and that account is not signed in now",
                      409: "blobs_missing (details: the hashes to upload first, every one not held for "
                           "you) or idempotency_conflict",
                      413: "the documents together are larger than MAX_DOSSIER_MB",
                      415: "a document of a type its requirement does not accept",
                      422: "invalid fields, an unknown procedure or document, or an agency no longer taking "
                           "dossiers"})}}})
    spec.path(path="/api/v1/track", operations={"post": {
        "summary": "Status and timeline, by dossier code plus the applicant's phone or ID number",
        "requestBody": body({"allOf": [ref("TrackRequest"), ONE_SECRET]},
                            {"code": "000.00.00.H40-260301-0001", "secret": "0912345678"}),
        # The proof may have come as `secret`, `phone` or `id_number`: the links pass the code only.
        "responses": {"200": reply("Tracked", "found", _acts_on_dossier("$response.body#/code")),
                      **errors({404: "no dossier matches the pair (exactly as for an unknown code)",
                                422: "the code or every secret is missing"}, limited=True)}}})
    spec.path(path="/api/v1/device/owners", operations={"post": {
        "summary": "Which of the account ids a device's old records name is the account signed in",
        "requestBody": body("DeviceOwners", {"accounts": [12]}),
        "responses": {"200": reply("DeviceOwnersReply", "the ids that are the signed-in account's"),
                      **errors({422: "not a list of at most 50 integers"})}}})


def _writes(spec) -> None:
    request = {"code": "$request.path.code", "request_id": "$response.body#/request_id"}
    proof = {"secret": "$request.body#/secret"}
    postal = {"Change": link("change_postal_request", "change it", request, proof),
              "Cancel": link("cancel_postal_request", "cancel it", request, proof)}
    again = "the same key and body again: the one made then"
    spec.path(path="/api/v1/dossiers/{code}/postal-requests", parameters=[CODE], operations={
        "post": _citizen_write(
            "Ask for the result (or the originals) by post, exactly once", _proved("PostalRequest"),
            {"201": reply("PostalSummary", "registered", postal),
             "200": reply("PostalSummary", again, postal)},
            {409: "idempotency_conflict, a request already active, or the dossier already closed",
             422: "procedure excluded, an invalid address, or a ward not in the province"})})
    spec.path(path="/api/v1/dossiers/{code}/postal-requests/{request_id}/change",
              parameters=[CODE, REQUEST_ID], operations={"post": _citizen_write(
                  "Change a postal request the post has not taken yet; priced again, exactly once",
                  _proved("PostalRequest"), {"200": reply("PostalSummary", "changed, or " + again)},
                  {409: "idempotency_conflict, or the request is cancelled or already handed to the post",
                   422: "nothing changes, procedure excluded, an invalid address or ward"})})
    spec.path(path="/api/v1/dossiers/{code}/postal-requests/{request_id}/cancel",
              parameters=[CODE, REQUEST_ID], operations={"post": _citizen_write(
                  "Cancel a postal request the post has not taken yet; the result then waits at the counter",
                  _proved("PostalCancel"), {"200": reply("PostalSummary", "cancelled, or " + again)},
                  {409: "idempotency_conflict, or the request is already cancelled or handed to the post",
                   422: "a reason longer than 500 characters"})})
    spec.path(path="/api/v1/dossiers/{code}/supplements", parameters=[CODE], operations={
        "post": _citizen_write(
            "Answer the open supplement request with uploaded blobs, exactly once",
            _proved("SupplementAnswer"),
            {"201": reply("SupplementReply", "answered"), "200": reply("SupplementReply", again)},
            {409: "blobs_missing (the files not held for you), idempotency_conflict, or wrong_status: "
                  "no supplement is requested "
                  "now, or the round named in `supplement` is answered (an answer past the deadline "
                  "is still taken; staff see it came late)",
             413: "the files together are too large", 415: "a file of a type not accepted",
             422: "invalid fields"})})
    spec.path(path="/api/v1/dossiers/{code}/rating", parameters=[CODE], operations={
        "post": _citizen_write(
            "Rate how the dossier was handled, once per dossier", _proved("Rating"),
            {"201": reply("RatingReply", "rated"), "200": reply("RatingReply", again)},
            {409: "already_rated, not_rateable (not finished yet), or idempotency_conflict",
             422: "an invalid level or comment, or an officer who did not handle it"})})


def describe(spec) -> None:
    """Add the sync API's schemas and paths to `spec`."""
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    _catalogue(spec)
    _blobs(spec)
    _dossiers(spec)
    _writes(spec)
