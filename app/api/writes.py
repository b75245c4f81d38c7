"""What every citizen write on the API checks first: the key, the JSON, the proof."""

from flask import request
from flask_babel import gettext as _

from app.models import Dossier
from app.schemas.dossier import is_uuid
from app.services.dossiers import tracking
from app.services.errors import InvalidJSON, KeyRequired, NotFound


def citizen_write(code: str) -> tuple[str, dict, Dossier]:
    """Return (Idempotency-Key, payload, dossier) or raise the API error that applies.

    The proof (signed link or phone / ID number) travels in the payload, so the outbox can
    replay the request long after the page and its cookies are gone.
    """
    key = request.headers.get("Idempotency-Key", "")
    if not is_uuid(key):
        raise KeyRequired(_("Thiếu hoặc sai tiêu đề Idempotency-Key (phải là một UUID)."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise InvalidJSON(_("Nội dung gửi lên không phải JSON hợp lệ."))
    dossier = tracking.authorise(code.strip().upper(), payload)
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ khớp với thông tin đã nhập."))
    return key.lower(), payload, dossier
