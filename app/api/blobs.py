"""PUT /api/v1/blobs/<sha256>: upload one file, addressed by its hash."""

import re

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.errors import api_error
from app.services.files import blobs
from app.services.files.uploads import human_size

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@bp.put("/blobs/<sha256>")
def put_blob(sha256: str):
    """Store the body if its SHA-256 matches; 201 when new, 200 when already held."""
    if not SHA256.match(sha256):
        return api_error(422, "invalid_hash", _("Mã SHA-256 phải gồm 64 ký tự 0-9, a-f."))
    limit = current_app.config["MAX_FILE_BYTES"]
    if (request.content_length or 0) > limit:
        return api_error(413, "too_large", _("Tệp quá lớn; mỗi tệp tối đa %(max)s.",
                                             max=human_size(limit)))
    # Any media type: the bytes are judged by content (see api/__init__.py on why a PUT is safe).
    request.max_content_length = limit + 1  # read_limited stops there, chunked or not
    data, actual = blobs.read_limited(request.stream, limit)
    blob, created = blobs.receive_blob(sha256, data, actual)
    body = {"sha256": blob.sha256, "size": blob.size, "media_type": blob.media_type}
    return jsonify(body), 201 if created else 200


@bp.get("/blobs/<sha256>")
def head_blob(sha256: str):
    """Say whether the server already holds a blob (no content is ever returned)."""
    blob = blobs.get_blob(sha256) if SHA256.match(sha256) else None
    if blob is None:
        return api_error(404, "not_found", _("Máy chủ chưa có tệp này."))
    return jsonify(sha256=blob.sha256, size=blob.size, media_type=blob.media_type)
