"""The JSON sync API (/api/v1) used by the PWA's outbox."""

from flask import Blueprint, request

from app.errors import api_error

bp = Blueprint("api", __name__)


@bp.before_request
def guard_unsafe_methods():
    """Refuse cross-site writes: a plain HTML form cannot send JSON or an Idempotency-Key.

    The API is exempt from the CSRF token because the outbox replays requests long after the
    page that made them is gone; what protects it instead is that every write needs a
    header or body type that only a same-origin script can send.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.method == "PUT" and request.mimetype == "application/octet-stream":
        return None
    if request.mimetype == "application/json":
        return None
    return api_error(415, "unsupported_media_type",
                     "Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json).")


from app.api import blobs, dossiers, meta, postal, ratings, supplements  # noqa: E402,F401
