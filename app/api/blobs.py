"""PUT /api/v1/blobs/<sha256>: upload one file, addressed by its hash; held for its sender only.

A sender is this browser (its name, web/sender.py) and its account, or, with
`Authorization: Bearer`, the token's agency; a file is "held" for a sender only once that sender uploaded it
(services/files/claims.py): nothing here tells anyone whether somebody else sent it.
"""

import re

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.agency import refusal
from app.errors import api_error
from app.services.files import blobs, claims
from app.services.files.uploads import human_size
from app.services.integration import tokens
from app.web import sender

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _holders(scope: str, *, give: bool) -> list[str]:
    """Who is asking: the agency of the bearer token sent (it must be live), else this browser
    and its account (web/sender.py)."""
    authorization = request.headers.get("Authorization")
    if authorization:
        return [claims.agency(tokens.authenticate(authorization, scope).agency_id)]
    return sender.holders(give=give)


@bp.put("/blobs/<sha256>")
def put_blob(sha256: str):
    """Store the body if its SHA-256 matches; 201 when new for this sender, 200 when it sent it before."""
    if not SHA256.match(sha256):
        return api_error(422, "invalid_hash", _("Mã SHA-256 phải gồm 64 ký tự 0-9, a-f."))
    limit = current_app.config["MAX_FILE_BYTES"]
    if (request.content_length or 0) > limit:
        return api_error(413, "too_large", _("Tệp quá lớn; mỗi tệp tối đa %(max)s.",
                                             max=human_size(limit)))
    try:
        holders = _holders("write", give=True)
    except (tokens.Unauthorized, tokens.InsufficientScope) as exc:
        return refusal(exc, "write")
    # Any media type: the bytes are judged by content (see api/__init__.py on why a PUT is safe).
    request.max_content_length = limit + 1  # read_limited stops there, chunked or not
    # The whole body every time, whoever else sent it: the answer and its time depend on it alone.
    data, actual = blobs.read_limited(request.stream, limit)
    blob, created = blobs.receive_blob(sha256, data, actual, holders=holders)
    body = {"sha256": blob.sha256, "size": blob.size, "media_type": blob.media_type}
    return jsonify(body), 201 if created else 200


@bp.get("/blobs/<sha256>")
def head_blob(sha256: str):
    """Say whether the server holds a blob for this sender (no content is ever returned)."""
    try:
        holders = _holders("read", give=False)
    except (tokens.Unauthorized, tokens.InsufficientScope) as exc:
        return refusal(exc, "read")
    blob = claims.find(sha256, holders) if SHA256.match(sha256) else None
    if blob is None:
        return api_error(404, "not_found", _("Máy chủ chưa có tệp này."))
    return jsonify(sha256=blob.sha256, size=blob.size, media_type=blob.media_type)
