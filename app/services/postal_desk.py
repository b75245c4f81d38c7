"""The postal desk: dispatch batches, waybills, and delivered / failed outcomes.

Every step goes on the dossier's timeline through the workflow module; delivery is the
`return_post` transition (status 10), a failure sends the result back to the counter.
"""

from datetime import date, datetime

from flask_babel import gettext as _

from app.extensions import db
from app.models import Dossier, PostalRequest, Status
from app.models.time import local_today, to_local, utcnow
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid, NotFound
from app.services.notifications import notify

RESULT_DIRECTIONS = ("result", "both")


def _query():
    return (db.select(PostalRequest).join(Dossier)
            .where(PostalRequest.direction.in_(RESULT_DIRECTIONS))
            .order_by(PostalRequest.registered_at, PostalRequest.id))


def waiting() -> list[PostalRequest]:
    """Return the requests whose result is ready and not yet put in a batch."""
    return list(db.session.execute(_query().where(
        PostalRequest.state == "registered", PostalRequest.batch == "",
        Dossier.status == Status.RESOLVED)).scalars())


def open_batches() -> list[tuple[str, int]]:
    """Return (batch, how many still to hand over or follow) for batches with work left."""
    rows = db.session.execute(
        db.select(PostalRequest.batch, db.func.count()).where(
            PostalRequest.batch != "", PostalRequest.state.in_(("registered", "handed_to_post")))
        .group_by(PostalRequest.batch).order_by(PostalRequest.batch.desc())).all()
    return [(b, n) for b, n in rows]


def in_batch(batch: str) -> list[PostalRequest]:
    return list(db.session.execute(_query().where(PostalRequest.batch == batch)).scalars())


def make_batch(ids: list[int], at: datetime | None = None) -> str:
    """Put the chosen waiting requests into a new dispatch batch; return its name."""
    chosen = [r for r in waiting() if r.id in set(ids)]
    if not chosen:
        raise Invalid(_("Vui lòng chọn ít nhất một hồ sơ đang chờ gửi."),
                      {"ids": [_("Chưa chọn hồ sơ nào.")]})
    name = "BC-" + to_local(at or utcnow()).strftime("%y%m%d-%H%M%S")
    for req in chosen:
        req.batch = name
    db.session.commit()
    return name


def get(request_id: int) -> PostalRequest:
    req = db.session.get(PostalRequest, request_id)
    if req is None:
        raise NotFound(_("Không tìm thấy yêu cầu bưu chính."))
    return req


def _need(req: PostalRequest, state: str) -> None:
    if req.state != state:
        raise workflow.WrongStatus(_("Yêu cầu bưu chính không ở trạng thái phù hợp cho thao tác này."))


def hand_over(req: PostalRequest, waybill: str, on: date, actor: Actor, *, commit: bool = True) -> None:
    """Record the waybill and the day the result went to the post office; tell the citizen."""
    _need(req, "registered")
    if req.dossier.status != Status.RESOLVED:
        raise workflow.WrongStatus(_("Hồ sơ chưa có kết quả để gửi."))
    req.state, req.waybill, req.handed_on = "handed_to_post", waybill, on
    notify(req.dossier, "handed_to_post", str(req.id), waybill=waybill)
    workflow.postal_step(req.dossier, actor, _("Giao kết quả cho bưu chính, số vận đơn %(w)s", w=waybill),
                         commit=commit)


def deliver(req: PostalRequest, on: date, actor: Actor) -> None:
    """Record delivery: the dossier becomes 10, returned by post (workflow `return_post`)."""
    _need(req, "handed_to_post")
    req.state, req.delivered_on = "delivered", on
    notify(req.dossier, "delivered", str(req.id))
    system = Actor.system(_("Bưu chính công ích (ghi nhận: %(who)s)", who=actor.label))
    workflow.return_result(req.dossier, system, "post",
                           _("Đã phát kết quả qua bưu chính ngày %(d)s, số vận đơn %(w)s",
                             d=on.strftime("%d/%m/%Y"), w=req.waybill))


def fail(req: PostalRequest, reason: str, actor: Actor) -> None:
    """Record a failed delivery: the result goes back to the counter and the citizen is told."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise Invalid(_("Vui lòng ghi lý do không phát được."),
                      {"reason": [_("Vui lòng nhập thông tin này.")]})
    if req.state not in ("registered", "handed_to_post"):
        _need(req, "handed_to_post")
    req.state, req.fail_reason, req.failed_at = "failed", reason, utcnow()
    notify(req.dossier, "postal_failed", str(req.id), reason=reason)
    workflow.postal_step(req.dossier, actor, _("Bưu chính không phát được (%(r)s); kết quả chuyển về quầy",
                                               r=reason), return_method="counter")


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
