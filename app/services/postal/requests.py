"""Postal requests from the applicant: validate, price and register them, exactly once.

The same path serves the plain form, the PWA outbox (POST /api/v1/dossiers/<code>/
postal-requests) and a business asking for several dossiers at once.
"""

import json
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.extensions import db
from app.lib.marks import N_
from app.models import Dossier, PostalRequest, Status
from app.models.postal import ACTIVE_STATES, LEGS_OF, PostalLeg
from app.schemas import flatten_errors
from app.schemas.postal import PostalRequestSchema
from app.services import idempotency, workflow
from app.services.actors import Actor
from app.services.errors import Invalid

DEFAULT_TABLE = Path(__file__).resolve().parents[2] / "data" / "postage.json"
DIRECTION_LABELS = {"result": N_("Gửi kết quả"), "originals": N_("Gửi bản gốc hồ sơ"),
                    "both": N_("Gửi bản gốc hồ sơ và nhận kết quả")}


@cache
def _table(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def fee(direction: str, province_code: int) -> int:
    """Return the postage in VND for one item, from the configured table."""
    table = _table(current_app.config.get("POSTAGE_TABLE") or str(DEFAULT_TABLE))
    zone = "in_province" if province_code == table["home_province"] else "other_province"
    return int(table[zone].get(direction, table[zone]["both"]))


def vnd(amount: int) -> str:
    """Format VND the Vietnamese way (25.000 đ), as the timeline and labels print it."""
    return f"{amount:,}".replace(",", ".") + " đ"


def active(dossier: Dossier) -> PostalRequest | None:
    """Return the dossier's postal request still on its way (either leg), if any."""
    return db.session.execute(
        db.select(PostalRequest).join(PostalLeg).filter(PostalRequest.dossier_id == dossier.id,
                                                        PostalLeg.state.in_(ACTIVE_STATES))
        .order_by(PostalRequest.id.desc()).limit(1)).scalars().first()


def latest(dossier: Dossier) -> PostalRequest | None:
    """Return the dossier's most recent postal request, whatever its state."""
    return db.session.execute(
        db.select(PostalRequest).filter_by(dossier_id=dossier.id)
        .order_by(PostalRequest.id.desc()).limit(1)).scalar_one_or_none()


def validate(dossier: Dossier, payload: dict) -> dict:
    """Check the request against the procedure and the address lists; raise Invalid (422)."""
    if not dossier.procedure.postal_allowed:
        raise Invalid(_("Thủ tục này không thực hiện qua dịch vụ bưu chính công ích."),
                      {"direction": [_("Thủ tục này không thực hiện qua dịch vụ bưu chính công ích.")]})
    try:
        clean = PostalRequestSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        raise Invalid(_("Yêu cầu gửi qua bưu chính còn thông tin chưa hợp lệ."),
                      flatten_errors(exc.messages)) from exc
    clean["fee"] = fee(clean["direction"], clean["province"])
    return clean


POSTAL = idempotency.Scope(
    "postal", find=idempotency.finder(PostalRequest, "client_key"),
    fingerprint=lambda req: req.payload_hash,
    message=lambda: _("Mã gửi này đã được dùng cho một yêu cầu khác. "
                      "Yêu cầu này chưa được gửi; vui lòng kiểm tra lại."))


def register(dossier: Dossier, payload: dict, key: str, actor: Actor) -> tuple[PostalRequest, bool]:
    """Register the request; the same key and payload again returns the first one."""
    key = key.lower()
    clean = validate(dossier, payload)
    digest = idempotency.digest(clean)
    # The sender proved this dossier: a key used on another one is a conflict naming nothing.
    attempt = idempotency.Attempt(POSTAL, key, digest, lambda found: found.dossier_id == dossier.id)
    if (existing := attempt.replay()) is not None:
        return existing, False
    if dossier.status not in Status.OPEN:  # a result can go out by post until it is handed over
        raise workflow.WrongStatus(_("Hồ sơ đã trả kết quả hoặc đã dừng; không thể gửi qua bưu chính."))
    if active(dossier) is not None:
        raise workflow.WrongStatus(_("Hồ sơ đã có yêu cầu gửi qua bưu chính đang thực hiện."))
    req = PostalRequest(
        dossier_id=dossier.id, client_key=key, payload_hash=digest, direction=clean["direction"],
        recipient_name=clean["recipient_name"], phone=clean["phone"], email=clean.get("email", ""),
        street=clean["street"], province_code=clean["province"], ward_code=clean["ward"],
        note=clean["note"], fee=clean["fee"], legs=[PostalLeg(kind=k) for k in LEGS_OF[clean["direction"]]])
    # A message: the timeline keeps it as its key, read in each reader's language (app/i18n.py).
    text = _l("Đăng ký dịch vụ bưu chính công ích: %(what)s; cước %(fee)s",
              what=_l(DIRECTION_LABELS[req.direction]), fee=vnd(req.fee))
    method = "post" if req.leg("result") else None
    # A twin of this request (same key) may win the race: its dossier change makes ours stale.
    with attempt.inserting(races=(workflow.Stale,)) as outcome:
        db.session.add(req)
        workflow.postal_step(dossier, actor, text, return_method=method)
        outcome.row = req
    return outcome.answer
