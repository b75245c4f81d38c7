"""The applicant changes or cancels a postal request, until the post has taken anything.

Like registering, each change or cancellation carries its own Idempotency-Key (kept in
PostalChange), so the outbox may send it twice. A change is priced again from the postage
table; both go on the dossier's timeline. A desk officer handing the item over at the same
moment wins: the legs' version column makes the later writer fail, and nothing is written.
"""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import joined
from app.lib import places
from app.lib.marks import N_
from app.lib.time import utcnow
from app.models import Dossier, PostalRequest
from app.models.postal import LEGS_OF, PostalChange, PostalLeg
from app.services import idempotency, workflow
from app.services.actors import Actor
from app.services.errors import Invalid, NotFound, TooLate
from app.services.postal import requests as postal

LABELS = {"direction": N_("Dịch vụ"), "recipient": N_("Người nhận"), "email": N_("Email"),
          "address": N_("Địa chỉ"), "note": N_("Ghi chú"), "fee": N_("Cước")}




def find(dossier: Dossier, request_id: int) -> PostalRequest:
    """Return the dossier's request with that id; NotFound for any other, as for a typo."""
    req = db.session.get(PostalRequest, request_id)
    if req is None or req.dossier_id != dossier.id:
        raise NotFound(_("Không tìm thấy yêu cầu bưu chính."))
    return req


def _shown(direction: str, recipient: str, email: str, address: str, note: str, fee: int, say=_) -> dict:
    return {"direction": say(postal.DIRECTION_LABELS[direction]), "recipient": recipient,
            "email": email or "—", "address": address, "note": note or "—", "fee": postal.vnd(fee)}


def differences(req: PostalRequest, clean: dict, say=_) -> list[tuple[str, str, str]]:
    """Return (label, before, after) for each thing the new values change, as people read them.

    `say` translates the labels: `_` for the page, `_l` for the timeline (kept as messages).
    """
    before = _shown(req.direction, f"{req.recipient_name} · {req.phone}", req.email, req.address,
                    req.note, req.fee, say)
    address = places.full_address(clean["street"], clean["ward"], clean["province"])
    after = _shown(clean["direction"], f"{clean['recipient_name']} · {clean['phone']}",
                   clean.get("email", ""), address, clean["note"], clean["fee"], say)
    return [(say(LABELS[k]), before[k], after[k]) for k in LABELS if before[k] != after[k]]


def preview(req: PostalRequest, clean: dict) -> list[tuple[str, str, str]]:
    """Return what the validated new details change; raise if nothing may or would change."""
    check_open(req)
    if not (diff := differences(req, clean)):
        message = _("Không có thông tin nào thay đổi.")
        raise Invalid(message, {"_form": [message]})
    return diff


CHANGE = idempotency.Scope(
    "postal_change", find=idempotency.finder(PostalChange, "client_key"),
    fingerprint=lambda done: f"{done.kind}:{done.payload_hash}",
    message=lambda: _("Mã gửi này đã được dùng cho một yêu cầu khác. "
                      "Yêu cầu này chưa được gửi; vui lòng kiểm tra lại."))


def _attempt(req: PostalRequest, key: str, digest: str, kind: str) -> idempotency.Attempt:
    """This change or cancellation under its key; one made to another request is a conflict."""
    return idempotency.Attempt(CHANGE, key, f"{kind}:{digest}", lambda done: done.request_id == req.id)


def check_open(req: PostalRequest) -> None:
    """Raise TooLate (409) once the request is cancelled or the post has taken anything."""
    if req.cancelled_at is not None:
        raise TooLate(_("Yêu cầu gửi qua bưu chính này đã được hủy."))
    if not req.can_change:
        raise TooLate(_("Bưu chính đã nhận bưu gửi nên không thể thay đổi hoặc hủy yêu cầu. "
                        "Vui lòng liên hệ Trung tâm nếu cần hỗ trợ."))


def _save(attempt: idempotency.Attempt, req: PostalRequest, digest: str, kind: str, actor: Actor,
          text: str, apply: Callable[[], str | None]) -> None:
    """In one savepoint: `apply` the change (it returns a new return method, if any), keep the
    key, put it on the timeline. A twin with the same key that won the race did exactly this,
    or conflicts; the legs' version column refuses us either way (Stale)."""
    with attempt.inserting(races=(workflow.Stale,)) as outcome:
        return_method = apply()
        outcome.row = PostalChange(request_id=req.id, client_key=attempt.key, payload_hash=digest, kind=kind)
        db.session.add(outcome.row)
        workflow.postal_step(req.dossier, actor, text, return_method=return_method)


def change(dossier: Dossier, request_id: int, payload: dict, key: str, actor: Actor) -> PostalRequest:
    """Apply new details and postage; the same key and payload again changes nothing more."""
    key = key.lower()
    req = find(dossier, request_id)
    clean = postal.validate(dossier, payload)
    digest = idempotency.digest(clean)
    attempt = _attempt(req, key, digest, "change")
    if attempt.replay() is not None:
        return req
    preview(req, clean)
    # Messages all the way down: the timeline keeps their keys, read in each reader's language.
    text = _l("Thay đổi yêu cầu bưu chính: %(what)s", what=joined("; ", [
        _l("%(label)s: %(value)s", label=label, value=after)
        for label, _before, after in differences(req, clean, say=_l)]))
    _save(attempt, req, digest, "change", actor, text, lambda: _apply(req, clean))
    return req


def _apply(req: PostalRequest, clean: dict) -> str | None:
    """Write the new details on the request; return the dossier's new return method, if it changes."""
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
    return None if had_result == has_result else ("post" if has_result else "counter")


def cancel(dossier: Dossier, request_id: int, payload: dict, key: str, actor: Actor) -> PostalRequest:
    """Cancel the request: every leg stops, the result is returned at the counter instead."""
    key = key.lower()
    req = find(dossier, request_id)
    reason = str((payload or {}).get("reason") or "").strip()
    if len(reason) > 500:
        raise Invalid(_("Lý do hủy dài quá 500 ký tự."), {"reason": [_("Tối đa 500 ký tự.")]})
    digest = idempotency.digest({"reason": reason})
    attempt = _attempt(req, key, digest, "cancel")
    if attempt.replay() is not None:
        return req
    check_open(req)
    text = (_l("Hủy yêu cầu gửi qua bưu chính: %(r)s", r=reason) if reason
            else _l("Hủy yêu cầu gửi qua bưu chính"))
    _save(attempt, req, digest, "cancel", actor, text, lambda: _stop(req))
    return req


def _stop(req: PostalRequest) -> str | None:
    """Stop every leg; a result that was to go by post is returned at the counter instead."""
    now = utcnow()
    req.cancelled_at = now
    for leg in req.legs:
        leg.state, leg.batch, leg.updated_at = "cancelled", "", now
    return "counter" if req.leg("result") else None
