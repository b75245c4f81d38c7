"""The JSON sync API (/api/v1) used by the PWA's outbox."""

from flask import Blueprint, current_app, request
from flask_babel import gettext as _

from app.errors import api_error
from app.services.errors import InvalidJSON

bp = Blueprint("api", __name__)


@bp.before_request
def parse_body():
    """Refuse cross-site writes, then parse every JSON body once, strictly, as an object.

    The API is exempt from the CSRF token because the outbox replays requests long after the
    page that made them is gone. What protects a POST instead is its body type: a plain HTML
    form can only send form encodings, never JSON. A PUT needs no such check: no form can send
    one, and a script on another site cannot without a CORS preflight we never answer, so
    PUT /blobs takes any media type and the bytes are judged by content.

    Views then read `request.get_json()`: the parsed object, cached by Flask.
    """
    if request.method in ("GET", "HEAD", "OPTIONS", "PUT"):
        return None
    if request.mimetype != "application/json":
        return api_error(415, "unsupported_media_type",
                         _("Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json)."))
    request.max_content_length = current_app.config["MAX_JSON_BYTES"]  # 413 before reading more
    body = request.get_json()  # InvalidJSON (400) when it is not strict JSON
    if not isinstance(body, dict):
        raise InvalidJSON(_("Nội dung gửi lên phải là một đối tượng JSON ({...})."),
                          {"_schema": [_("Nội dung gửi lên phải là một đối tượng JSON ({...}).")]})
    return None


from app.api import agency, blobs, device, dossiers, meta, postal, ratings, supplements  # noqa: E402,F401
