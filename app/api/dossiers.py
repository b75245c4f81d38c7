"""Dossier creation and tracking over JSON."""

from flask import jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.errors import api_error
from app.extensions import limiter
from app.models import Dossier
from app.models.status import status_labels
from app.schemas import ValidationError, flatten_errors
from app.schemas.dossier import is_uuid
from app.schemas.track import TrackSchema
from app.services.dossiers import device, submissions, tracking
from app.services.dossiers.tracking import Tracked, access_token, track_limit
from app.web import sender
from app.web.current import filing_for, owner_id


def dossier_summary(dossier: Dossier | Tracked) -> dict:
    """What the device keeps about a dossier it sent: code, status and links."""
    procedure = getattr(dossier, "procedure", None)  # an ORM dossier; Tracked has the columns
    return {
        "code": dossier.code,
        "client_id": dossier.client_id,
        "status": dossier.status,
        "status_label": status_labels()[dossier.status],
        "procedure": procedure.code if procedure else dossier.procedure_code,
        "procedure_name": procedure.name if procedure else dossier.procedure_name,
        "submitted_at": dossier.submitted_at.isoformat() + "Z",
        "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
        "receipt_url": url_for("citizen.receipt", code=dossier.code, t=access_token(dossier)),
    }


# One instance for every lookup: building a marshmallow schema costs more than loading with it,
# and loading keeps nothing on the instance.
_TRACK = TrackSchema()


def _signed_in():
    return current_user if current_user.is_authenticated else None


@bp.post("/dossiers")
def create_dossier():
    """Create a dossier from a manifest of blob hashes, exactly once per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key", "")
    if not is_uuid(key):
        return api_error(400, "idempotency_key_required",
                         _("Thiếu hoặc sai tiêu đề Idempotency-Key (phải là một UUID)."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return api_error(400, "invalid_json", _("Nội dung gửi lên không phải JSON hợp lệ."))
    # The account the device queued this under (if any) is a claim the session must back:
    # a replay after the session ended would otherwise file the dossier as anonymous, or in
    # the account of whoever signed in next on that phone (services/device.claim_matches).
    claimed = payload.pop("account", None)
    if claimed is not None and not device.claim_matches(claimed, _signed_in()):
        return api_error(401, "signin_required",
                         _("Hồ sơ này được lưu khi bạn đang đăng nhập. Vui lòng đăng nhập lại "
                           "để hồ sơ được gửi vào đúng tài khoản của bạn."))
    org = filing_for(payload.get("organisation"))  # a request: filed for it only if a member now
    # The applicant's own language (the outbox replays from their browser): their messages' language.
    # A replay shows the dossier only to the browser or account that sent it (citizen/sender.py);
    # its files count only if this browser or its account uploaded them (services/files/claims.py).
    dossier, created = submissions.create_dossier(payload, key, owner_id=owner_id(),
                                                  language=str(get_locale()), organisation=org,
                                                  sent_from=sender.name(), may_see=sender.may_see,
                                                  holders=sender.holders())
    if org is not None:  # its receipt link lasts only as long as this membership
        tracking.bind_links(dossier, owner_id())
    return jsonify(dossier_summary(dossier)), 201 if created else 200


@bp.post("/track")
@limiter.shared_limit(track_limit, scope="track")
def track():
    """Return a dossier's status and timeline, given its code and phone or ID number."""
    try:
        query = _TRACK.load(request.get_json())  # an object: the API's parser saw to it
    except ValidationError as exc:
        return api_error(422, "invalid", _("Vui lòng nhập mã hồ sơ và số điện thoại hoặc số định danh."),
                         flatten_errors(exc.messages))
    found = tracking.track(query["code"], query["secret"])
    if found is None:
        return api_error(404, "not_found", _("Không tìm thấy hồ sơ khớp với thông tin đã nhập."))
    body = dossier_summary(found)
    labels = status_labels()
    body["timeline"] = [
        {"status": status, "status_label": labels[status], "at": at.isoformat() + "Z", "note": note}
        for status, at, note in found.timeline
    ]
    return jsonify(body)
