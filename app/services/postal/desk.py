"""The postal desk: results going out in dispatch batches, originals coming in, and each outcome.

Both legs of a request (models/postal.py) take the same steps: registered -> handed to the
post (waybill, date) -> delivered | failed. What differs is said in `STEP_TEXT` and in
`finish`: a delivered result is the `return_post` transition (status 10); received
originals and every other step only go on the timeline through the workflow module.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.marks import N_
from app.lib.time import local_today, to_local, utcnow
from app.models import Dossier, PostalRequest, Status
from app.models.postal import ACTIVE_STATES, PostalLeg
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid, NotFound
from app.services.messaging.notifications import notify

WAYBILL_TAKEN = N_("Số vận đơn %(b)s đã được dùng cho một bưu gửi khác.")
STEP_TEXT = {
    ("result", "handed_to_post"): N_("Giao kết quả cho bưu chính, số vận đơn %(w)s"),
    ("result", "delivered"): N_("Đã phát kết quả qua bưu chính ngày %(d)s, số vận đơn %(w)s"),
    ("result", "failed"): N_("Bưu chính không phát được (%(r)s); kết quả chuyển về quầy"),
    ("originals", "handed_to_post"): N_("Bưu chính đã nhận bản gốc hồ sơ từ người nộp, số vận đơn %(w)s"),
    ("originals", "delivered"): N_("Trung tâm đã nhận bản gốc hồ sơ qua bưu chính ngày %(d)s, "
                                   "số vận đơn %(w)s"),
    ("originals", "failed"): N_("Bưu chính không nhận được bản gốc hồ sơ (%(r)s); người nộp mang bản gốc "
                                "đến Trung tâm"),
}


def _legs(kind: str):
    return (db.select(PostalLeg).join(PostalRequest).join(Dossier).where(PostalLeg.kind == kind)
            .order_by(PostalRequest.registered_at, PostalLeg.id))


def waiting() -> list[PostalLeg]:
    """Return the result legs whose result is ready and not yet put in a batch."""
    return list(db.session.execute(_legs("result").where(
        PostalLeg.state == "registered", PostalLeg.batch == "",
        Dossier.status == Status.RESOLVED)).scalars())


def incoming() -> list[PostalLeg]:
    """Return the originals the post is to collect or is bringing ("chờ nhận bản gốc")."""
    return list(db.session.execute(_legs("originals").where(PostalLeg.state.in_(ACTIVE_STATES))).scalars())


def open_batches() -> list[tuple[str, int]]:
    """Return (batch, how many still to hand over or follow) for batches with work left."""
    rows = db.session.execute(
        db.select(PostalLeg.batch, db.func.count()).where(
            PostalLeg.batch != "", PostalLeg.state.in_(ACTIVE_STATES))
        .group_by(PostalLeg.batch).order_by(PostalLeg.batch.desc())).all()
    return [(b, n) for b, n in rows]


def in_batch(batch: str) -> list[PostalLeg]:
    return list(db.session.execute(_legs("result").where(PostalLeg.batch == batch)).scalars())


def make_batch(ids: list[int], at: datetime | None = None) -> str:
    """Put the chosen waiting result legs into a new dispatch batch; return its name."""
    chosen = [leg for leg in waiting() if leg.id in set(ids)]
    if not chosen:
        raise Invalid(_("Vui lòng chọn ít nhất một hồ sơ đang chờ gửi."),
                      {"ids": [_("Chưa chọn hồ sơ nào.")]})
    name = "BC-" + to_local(at or utcnow()).strftime("%y%m%d-%H%M%S")
    for leg in chosen:
        leg.batch, leg.updated_at = name, utcnow()
    db.session.commit()
    return name


def get(leg_id: int) -> PostalLeg:
    leg = db.session.get(PostalLeg, leg_id)
    if leg is None:
        raise NotFound(_("Không tìm thấy yêu cầu bưu chính."))
    return leg


def _need(leg: PostalLeg, *states: str) -> None:
    if leg.state not in states:
        raise workflow.WrongStatus(_("Yêu cầu bưu chính không ở trạng thái phù hợp cho thao tác này."))


def waybill_taken(bill: str, leg_id: int | None = None) -> bool:
    """Say whether another leg already carries this waybill number."""
    return db.session.execute(db.select(PostalLeg.id).where(
        PostalLeg.waybill == bill, PostalLeg.id != (leg_id or 0))).first() is not None


def _check_day(on: date, after: date | None = None) -> None:
    if on > local_today() or (after is not None and on < after):
        raise Invalid(_("Ngày không hợp lệ: không được sau hôm nay hoặc trước ngày gửi."),
                      {"day": [_("Ngày không hợp lệ.")]})


def _key(leg: PostalLeg) -> str:
    return f"{leg.request_id}:{leg.kind}"  # one message per leg and step


def hand_over(leg: PostalLeg, waybill: str, on: date, actor: Actor, *, commit: bool = True) -> None:
    """Record the waybill and the day the post took the item (the result, or the originals)."""
    _need(leg, "registered")
    if leg.kind == "result" and leg.dossier.status != Status.RESOLVED:
        raise workflow.WrongStatus(_("Hồ sơ chưa có kết quả để gửi."))
    if waybill_taken(waybill, leg.id):
        raise Invalid(_(WAYBILL_TAKEN, b=waybill), {"waybill": [_(WAYBILL_TAKEN, b=waybill)]})
    _check_day(on)
    leg.state, leg.waybill, leg.handed_on, leg.updated_at = "handed_to_post", waybill, on, utcnow()
    notify(leg.dossier, "handed_to_post", _key(leg), waybill=waybill, leg=leg.kind)
    workflow.postal_step(leg.dossier, actor, _l(STEP_TEXT[leg.kind, "handed_to_post"], w=waybill),
                         leg=leg.kind, commit=commit)


def finish(leg: PostalLeg, on: date, actor: Actor) -> None:
    """Record arrival: the result delivered (the dossier becomes 10) or the originals received."""
    _need(leg, "handed_to_post")
    _check_day(on, leg.handed_on)
    leg.state, leg.done_on, leg.updated_at = "delivered", on, utcnow()
    notify(leg.dossier, "delivered", _key(leg), leg=leg.kind)
    text = _l(STEP_TEXT[leg.kind, "delivered"], d=on.strftime("%d/%m/%Y"), w=leg.waybill)
    if leg.kind == "result":
        system = Actor.system(_l("Bưu chính công ích (ghi nhận: %(who)s)", who=actor.said))
        workflow.return_result(leg.dossier, system, "post", text)
    else:
        workflow.postal_step(leg.dossier, actor, text, leg=leg.kind)


def fail(leg: PostalLeg, reason: str, actor: Actor) -> None:
    """Record that the post could not deliver or collect: the counter takes over, the citizen is told."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise Invalid(_("Vui lòng ghi lý do không phát được."),
                      {"reason": [_("Vui lòng nhập thông tin này.")]})
    _need(leg, *ACTIVE_STATES)
    leg.state, leg.fail_reason, leg.failed_at, leg.updated_at = "failed", reason, utcnow(), utcnow()
    notify(leg.dossier, "postal_failed", _key(leg), reason=reason, leg=leg.kind)
    workflow.postal_step(leg.dossier, actor, _l(STEP_TEXT[leg.kind, "failed"], r=reason), leg=leg.kind,
                         return_method="counter" if leg.kind == "result" else None)


def parse_day(text: str) -> date | None:
    """Read 27/11/2026 or 2026-11-27; None if it is neither."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def today() -> date:
    return local_today()
