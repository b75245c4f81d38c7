"""POST /api/v1/dossiers/<code>/postal-requests: ask for postal return from the outbox."""

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.errors import api_error
from app.extensions import limiter
from app.models import PostalRequest
from app.schemas.dossier import is_uuid
from app.services import postal, tracking
from app.services.actors import Actor
from app.services.tracking import access_token, track_limit


def postal_summary(req: PostalRequest) -> dict:
    """What the device shows about a postal request once the server holds it."""
    dossier = req.dossier
    return {
        "code": dossier.code, "status": dossier.status, "postal_state": req.state,
        "direction": req.direction, "fee": req.fee, "waybill": req.waybill or None,
        "receipt_url": url_for("citizen.status", code=dossier.code, t=access_token(dossier)),
    }


@bp.post("/dossiers/<code>/postal-requests")
@limiter.limit(track_limit)
def create_postal_request(code: str):
    """Register a postal request for the dossier, exactly once per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key", "")
    if not is_uuid(key):
        return api_error(400, "idempotency_key_required",
                         _("Thiếu hoặc sai tiêu đề Idempotency-Key (phải là một UUID)."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return api_error(400, "invalid_json", _("Nội dung gửi lên không phải JSON hợp lệ."))
    dossier = tracking.authorise(code.strip().upper(), payload)
    if dossier is None:
        return api_error(404, "not_found", _("Không tìm thấy hồ sơ khớp với thông tin đã nhập."))
    req, created = postal.register(dossier, payload, key, Actor.citizen(dossier))
    return jsonify(postal_summary(req)), 201 if created else 200
