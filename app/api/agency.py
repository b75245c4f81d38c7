"""The department API (/api/v1/agency/...): a bearer token of one agency, thin views.

A wrong, revoked or missing token is 401 with `WWW-Authenticate: Bearer`; a token without
the scope an endpoint needs is 403. Another agency's dossier answers 404, exactly like a
code that does not exist.
"""

from functools import wraps
from urllib.parse import quote

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.api import bp
from app.errors import api_error
from app.schemas import flatten_errors
from app.schemas.agency import ChangesArgsSchema
from app.services.integration import acting, feed, imports, tokens

REALM = 'Bearer realm="motcua-agency"'


def refusal(exc: tokens.Unauthorized | tokens.InsufficientScope, scope: str):
    """The 401 (no token, a wrong one) or 403 (not this scope) with its WWW-Authenticate challenge."""
    body, status = api_error(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, tokens.InsufficientScope):
        return body, status, {"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'}
    hint = "" if exc.details.get("reason") == "missing" else ', error="invalid_token"'
    return body, status, {"WWW-Authenticate": REALM + hint}


def token_required(scope: str):
    """Let the request in with a live token of this scope; `g.actor` is who it acts as."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                g.api_token = tokens.authenticate(request.headers.get("Authorization", ""), scope)
            except (tokens.Unauthorized, tokens.InsufficientScope) as exc:
                return refusal(exc, scope)
            g.actor = tokens.actor_for(g.api_token)
            return view(*args, **kwargs)
        return wrapped
    return decorator


_CODE, _ID = "DOSSIER-CODE", 918273645546372819  # stand-ins, replaced in the built URL


def _document_urls():
    """Return code, id -> the document's URL, from one url_for per request.

    A page of 500 dossiers names 1,000 documents; a url_for for each was half the page's time.
    Dossier codes are digits, letters, dots and hyphens: nothing in them needs quoting.
    """
    template = url_for("api.agency_document", code=_CODE, document_id=_ID)
    head, tail = template.split(_CODE)
    tail_head, tail_tail = tail.split(str(_ID))
    return lambda code, document_id: f"{head}{code}{tail_head}{document_id}{tail_tail}"


@bp.get("/agency/dossiers/changes")
@token_required("read")
def agency_changes():
    """Return the agency's dossiers changed after the cursor, oldest change first."""
    try:
        args = ChangesArgsSchema().load(request.args.to_dict())
    except ValidationError as exc:
        return api_error(400, "invalid_parameter", _("Tham số không hợp lệ."), flatten_errors(exc.messages))
    page = feed.page(g.actor, args["after"], args["limit"], _document_urls())
    body = {"items": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more}
    return Response(feed.dumps(body), mimetype="application/json")  # what jsonify wrote, faster


@bp.get("/agency/dossiers/<code>")
@token_required("read")
def agency_dossier(code: str):
    """Return one dossier of the agency, with its documents and timeline."""
    return Response(feed.dumps(feed.one(g.actor, code, _document_urls())), mimetype="application/json")


@bp.get("/agency/dossiers/<code>/documents/<int:document_id>")
@token_required("read")
def agency_document(code: str, document_id: int):
    """Stream one document of the agency's dossier from the blob store."""
    found = feed.document(g.actor, code, document_id)
    ascii_name = quote(found.name.encode("ascii", "ignore").decode() or "tai-lieu")
    return Response(found.chunks, mimetype=found.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.name)}",
        "Cache-Control": "no-store", "ETag": f'"{found.etag}"', "X-Content-Type-Options": "nosniff"})


@bp.post("/agency/dossiers/<code>/transitions")
@token_required("write")
def agency_transition(code: str):
    """Make one transition on a dossier of the agency, exactly once per Idempotency-Key."""
    status, body, replayed = acting.act(g.api_token, code, request.get_json(),
                                        request.headers.get("Idempotency-Key"))
    return _answer(status, body, replayed)


@bp.post("/agency/dossiers")
@token_required("write")
def agency_import():
    """Bring in a dossier the agency received in its own system, exactly once per Idempotency-Key."""
    status, body, replayed = imports.import_dossier(g.api_token, request.get_json(),
                                                    request.headers.get("Idempotency-Key"))
    return _answer(status, body, replayed)


def _answer(status: int, body: dict, replayed: bool):
    return jsonify(body), status, ({"Idempotent-Replayed": "true"} if replayed else {})
