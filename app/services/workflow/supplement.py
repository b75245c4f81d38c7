"""Supplement requests: the clock pauses, and the answer pushes the due date by the pause."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.time import utcnow
from app.models import Document, Dossier, Status, SupplementRequest
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.integration.changes import changed
from app.services.workflow import deadlines
from app.services.workflow.core import attach, local_day, record
from app.services.workflow.rules import check


def request_supplement(dossier: Dossier, actor: Actor, items: str, deadline: date | None, *,
                       version: int | None = None, at: datetime | None = None) -> SupplementRequest:
    """Ask for missing documents by a deadline; the processing clock pauses."""
    t = check(dossier, actor, "request_supplement", version)
    at = at or utcnow()
    errors = {}
    if not (items or "").strip():
        errors["items"] = [_("Vui lòng ghi các giấy tờ, thông tin cần bổ sung.")]
    if deadline is None or deadline < local_day(at):
        errors["deadline"] = [_("Hạn bổ sung phải từ hôm nay trở đi.")]
    if errors:
        raise Invalid(_("Yêu cầu bổ sung chưa đủ thông tin."), errors)
    dossier.supplement_count += 1
    request = SupplementRequest(
        dossier_id=dossier.id, number=dossier.supplement_count, items=items.strip()[:4000],
        deadline=deadline, from_status=dossier.status, requested_at=at, requested_by_label=actor.label,
        requested_by_id=actor.id if actor.kind == "user" else None)  # an account, never a token
    db.session.add(request)
    if dossier.accepted_at is not None:  # before acceptance no clock runs yet
        dossier.clock_stopped_on = local_day(at)
    record(dossier, actor, t.target, _l("Yêu cầu bổ sung (lần %(n)s): %(items)s",
                                        n=request.number, items=request.items), at,
           notice="supplement_requested", items=request.item_list, deadline=request.deadline)
    return request


def open_supplement(dossier: Dossier) -> SupplementRequest | None:
    """Return the supplement request still waiting for an answer, if any."""
    return db.session.execute(
        db.select(SupplementRequest).filter_by(dossier_id=dossier.id, answered_at=None)
        .order_by(SupplementRequest.id.desc()).limit(1)
    ).scalar_one_or_none()


def answer_supplement(dossier: Dossier, actor: Actor, documents: list[Document], note: str = "", *,
                      key: str | None = None, digest: str = "", version: int | None = None,
                      at: datetime | None = None) -> SupplementRequest:
    """Record the answer: go back to the previous status, push the due date by the pause."""
    check(dossier, actor, "answer_supplement", version)
    request = open_supplement(dossier)
    if request is None or not documents:
        raise Invalid(_("Vui lòng đính kèm giấy tờ bổ sung."), {"documents": [_("Chưa có tệp nào.")]})
    at = at or utcnow()
    cal = deadlines.load_calendar()
    if dossier.clock_stopped_on is not None and dossier.due_date is not None:
        request.paused_days = deadlines.working_days_after(dossier.clock_stopped_on, local_day(at), cal)
        dossier.due_date = cal.add_working_days(dossier.due_date, request.paused_days)
    dossier.clock_stopped_on = None
    attach(dossier, documents, f"supplement-{request.number}")
    request.answered_at, request.answer_key, request.answer_hash = at, key, digest
    request.answer_note = (note or "").strip()[:2000]
    n = len(documents)
    text = (_l("Đã bổ sung %(n)s tệp. %(note)s", n=n, note=request.answer_note) if request.answer_note
            else _l("Đã bổ sung %(n)s tệp", n=n))
    changed(dossier, "dossier.supplement_answered", number=request.number, files=n)
    # Back to where it was, but news of its own: not a second "accepted" (or "received").
    record(dossier, actor, Status(request.from_status), text, at, notice="supplement_received", files=n)
    return request
