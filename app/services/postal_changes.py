"""The applicant changes or cancels a postal request, until the post has taken anything.

Like registering, each change or cancellation carries its own Idempotency-Key (kept in
PostalChange), so the outbox may send it twice. A change is priced again from the postage
table; both go on the dossier's timeline. A desk officer handing the item over at the same
moment wins: the legs' version column makes the later writer fail, and nothing is written.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import N_, stored_language
from app.models import Dossier, PostalRequest
from app.models.postal import LEGS_OF, PostalChange, PostalLeg
from app.models.time import utcnow
from app.services import places, postal, workflow
from app.services.actors import Actor
from app.services.errors import IdempotencyConflict, Invalid, NotFound
from app.services.submissions import payload_hash

LABELS = {"direction": N_("Dịch vụ"), "recipient": N_("Người nhận"), "email": N_("Email"),
          "address": N_("Địa chỉ"), "note": N_("Ghi chú"), "fee": N_("Cước")}


class TooLate(workflow.WrongStatus):
    """The post already has the item (or the request was cancelled): 409."""


def find(dossier: Dossier, request_id: int) -> PostalRequest:
    """Return the dossier's request with that id; NotFound for any other, as for a typo."""
    req = db.session.get(PostalRequest, request_id)
    if req is None or req.dossier_id != dossier.id:
        raise NotFound(_("Không tìm thấy yêu cầu bưu chính."))
    return req


def _shown(direction: str, recipient: str, email: str, address: str, note: str, fee: int) -> dict:
    return {"direction": _(postal.DIRECTION_LABELS[direction]), "recipient": recipient,
            "email": email or "—", "address": address, "note": note or "—", "fee": postal.vnd(fee)}


def differences(req: PostalRequest, clean: dict) -> list[tuple[str, str, str]]:
    """Return (label, before, after) for each thing the new values change, as people read them."""
    before = _shown(req.direction, f"{req.recipient_name} · {req.phone}", req.email, req.address,
                    req.note, req.fee)
    address = places.full_address(clean["street"], clean["ward"], clean["province"])
    after = _shown(clean["direction"], f"{clean['recipient_name']} · {clean['phone']}",
                   clean.get("email", ""), address, clean["note"], clean["fee"])
    return [(_(LABELS[k]), before[k], after[k]) for k in LABELS if before[k] != after[k]]


def preview(req: PostalRequest, clean: dict) -> list[tuple[str, str, str]]:
    """Return what the validated new details change; raise if nothing may or would change."""
    check_open(req)
    if not (diff := differences(req, clean)):
        message = _("Không có thông tin nào thay đổi.")
        raise Invalid(message, {"_form": [message]})
    return diff


def _replay(req: PostalRequest, key: str, digest: str, kind: str) -> bool:
    """True if this key already did exactly this; IdempotencyConflict if it did something else."""
    done = db.session.execute(db.select(PostalChange).filter_by(client_key=key)).scalar_one_or_none()
    if done is None:
        return False
    if (done.request_id, done.payload_hash, done.kind) != (req.id, digest, kind):
        raise IdempotencyConflict(_("Mã gửi này đã được dùng cho một yêu cầu khác. "
                                    "Yêu cầu này chưa được gửi; vui lòng kiểm tra lại."))
    return True


def check_open(req: PostalRequest) -> None:
    """Raise TooLate (409) once the request is cancelled or the post has taken anything."""
    if req.cancelled_at is not None:
        raise TooLate(_("Yêu cầu gửi qua bưu chính này đã được hủy."))
    if not req.can_change:
        raise TooLate(_("Bưu chính đã nhận bưu gửi nên không thể thay đổi hoặc hủy yêu cầu. "
                        "Vui lòng liên hệ Trung tâm nếu cần hỗ trợ."))


def _save(req: PostalRequest, key: str, digest: str, kind: str, actor: Actor, text: str,
          return_method: str | None) -> None:
    db.session.add(PostalChange(request_id=req.id, client_key=key, payload_hash=digest, kind=kind))
    try:
        workflow.postal_step(req.dossier, actor, text, return_method=return_method)
    except IntegrityError:
        # A twin with the same key won the race: it did exactly this, or conflicts.
        db.session.rollback()
        if _replay(req, key, digest, kind):
            return
        raise


def change(dossier: Dossier, request_id: int, payload: dict, key: str, actor: Actor) -> PostalRequest:
    """Apply new details and postage; the same key and payload again changes nothing more."""
    key = key.lower()
    req = find(dossier, request_id)
    clean = postal.validate(dossier, payload)
    digest = payload_hash(clean)
    if _replay(req, key, digest, "change"):
        return req
    preview(req, clean)
    with stored_language():  # the timeline is written in Vietnamese, whatever the applicant reads
        text = _("Thay đổi yêu cầu bưu chính: %(what)s", what="; ".join(
            f"{label}: {after}" for label, _before, after in differences(req, clean)))
    had_result = req.leg("result") is not None
    req.direction, req.recipient_name, req.phone = clean["direction"], clean["recipient_name"], clean["phone"]
    req.email, req.street, req.note = clean.get("email", ""), clean["street"], clean["note"]
    req.province_code, req.ward_code, req.fee = clean["province"], clean["ward"], clean["fee"]
    wanted = LEGS_OF[req.direction]
    # Nothing has happened to a registered leg, so one no longer wanted simply goes.
    req.legs = [leg for leg in req.legs if leg.kind in wanted]
    for leg in req.legs:
        # Out of any dispatch batch: labels printed with the old details must not be used.
        leg.batch, leg.updated_at = "", utcnow()
    req.legs += [PostalLeg(kind=k) for k in wanted if req.leg(k) is None]
    has_result = req.leg("result") is not None
    method = None if had_result == has_result else ("post" if has_result else "counter")
    _save(req, key, digest, "change", actor, text, method)
    return req


def cancel(dossier: Dossier, request_id: int, payload: dict, key: str, actor: Actor) -> PostalRequest:
    """Cancel the request: every leg stops, the result is returned at the counter instead."""
    key = key.lower()
    req = find(dossier, request_id)
    reason = str((payload or {}).get("reason") or "").strip()
    if len(reason) > 500:
        raise Invalid(_("Lý do hủy dài quá 500 ký tự."), {"reason": [_("Tối đa 500 ký tự.")]})
    digest = payload_hash({"reason": reason})
    if _replay(req, key, digest, "cancel"):
        return req
    check_open(req)
    now = utcnow()
    req.cancelled_at = now
    for leg in req.legs:
        leg.state, leg.batch, leg.updated_at = "cancelled", "", now
    with stored_language():
        text = _("Hủy yêu cầu gửi qua bưu chính") + (f": {reason}" if reason else "")
    _save(req, key, digest, "cancel", actor, text, "counter" if req.leg("result") else None)
    return req
