"""POST /api/v1/dossiers/<code>/supplements: answer a supplement request from the outbox."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.errors import api_error
from app.extensions import limiter
from app.schemas.dossier import is_uuid
from app.services import supplements, tracking
from app.services.actors import Actor


def track_limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


@bp.post("/dossiers/<code>/supplements")
@limiter.limit(track_limit)
def answer_supplement(code: str):
    """Attach the uploaded blobs as the answer to the open supplement request, exactly once."""
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
    answered, created = supplements.answer(dossier, payload, key, Actor.citizen(dossier))
    body = {
        "code": dossier.code, "status": dossier.status,
        "status_label": str(dossier.status_enum.label),
        "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
        "supplement": answered.number, "answered_at": answered.answered_at.isoformat() + "Z",
    }
    return jsonify(body), 201 if created else 200
