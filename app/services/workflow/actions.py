"""The transitions themselves, each checked by `rules` and written by `core.record`."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.marks import N_
from app.lib.time import to_local, utcnow
from app.models import Document, Dossier, Status, StatusEvent
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.results import sign_results
from app.services.workflow import deadlines
from app.services.workflow.core import attach, local_day, record, required_note, simple, typed
from app.services.workflow.rules import RETURN_METHODS, WrongStatus, check

S = Status

refuse = simple("refuse", note_required=N_("Vui lòng ghi lý do từ chối tiếp nhận."), notice="refused")
forward = simple("forward")
confirm_payment = simple("confirm_payment")
request_withdrawal = simple("request_withdrawal")
stop = simple("stop")


def request_payment(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
                    at: datetime | None = None) -> Dossier:
    """Ask for the fee; the applicant's message says how much, where to transfer it, what to write."""
    from app.services.payments import fees  # payments confirms through the workflow: no cycle at import

    t = check(dossier, actor, "request_payment", version)
    note = typed(note)
    return record(dossier, actor, t.target, note or t.label, at or utcnow(), notice="payment_requested",
                  reason=note, fee=fees.fee_of(dossier, asking=True))


def accept(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
           at: datetime | None = None) -> Dossier:
    """Accept: fix the accepted time and the due date, counted from acceptance."""
    t = check(dossier, actor, "accept", version)
    at = at or utcnow()
    # Read everything before changing anything: a query would autoflush a half change.
    proc, cal = dossier.procedure, deadlines.load_calendar()
    dossier.accepted_at = at
    dossier.due_date = deadlines.due_date(
        to_local(at).replace(tzinfo=None), proc.processing_time, proc.time_unit, proc.cutoff_hour, cal)
    dossier.clock_stopped_on = None
    return record(dossier, actor, t.target, typed(note) or _l(
        "Tiếp nhận; hẹn trả ngày %(d)s", d=dossier.due_date.strftime("%d/%m/%Y")), at,
        notice="accepted")


def status_before_withdrawal(dossier: Dossier) -> Status:
    """Return the status the dossier had when the withdrawal was asked for (from the timeline)."""
    # Postal steps leave 7 → 7 entries; the request itself is the latest entry arriving at 7.
    before = db.session.execute(
        db.select(StatusEvent.from_status)
        .where(StatusEvent.dossier_id == dossier.id, StatusEvent.to_status == S.WITHDRAWAL_REQUESTED,
               StatusEvent.from_status != S.WITHDRAWAL_REQUESTED)
        .order_by(StatusEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if before is None:  # only request_withdrawal leads to 7, so this means hand-edited data
        raise WrongStatus(_("Không xác định được trạng thái của hồ sơ trước khi có yêu cầu rút."))
    return Status(before)


def decline_withdrawal(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
                       at: datetime | None = None) -> Dossier:
    """Keep the dossier going despite the withdrawal request: back to where it was, with a reason."""
    check(dossier, actor, "decline_withdrawal", version)
    reason = required_note(note, _("Vui lòng ghi lý do không chấp nhận yêu cầu rút hồ sơ."))
    back = status_before_withdrawal(dossier)
    return record(dossier, actor, back, _l("Không chấp nhận yêu cầu rút hồ sơ: %(r)s", r=reason),
                  at or utcnow(), notice="withdrawal_declined", reason=reason, back_to=back)


def resolve(dossier: Dossier, actor: Actor, results: list[Document], return_method: str,
            note: str = "", *, version: int | None = None, at: datetime | None = None) -> Dossier:
    """Mark the result ready: needs the result document(s) and how it goes back."""
    t = check(dossier, actor, "resolve", version)
    errors = {}
    if not results:
        errors["result"] = [_("Vui lòng đính kèm văn bản kết quả.")]
    if return_method not in RETURN_METHODS:
        errors["return_method"] = [_("Vui lòng chọn cách trả kết quả.")]
    elif return_method == "post" and not dossier.procedure.postal_allowed:
        errors["return_method"] = [_("Thủ tục này không trả kết quả qua bưu chính.")]
    if errors:
        raise Invalid(_("Chưa thể hoàn thành hồ sơ."), errors)
    at = at or utcnow()
    attach(dossier, sign_results(dossier, results), "result")  # PDFs: the centre's signed copy
    dossier.finished_at, dossier.return_method = at, return_method
    dossier.clock_stopped_on = local_day(at)
    notice = "ready_at_counter" if return_method == "counter" else "resolved"
    return record(dossier, actor, t.target, typed(note) or t.label, at, notice=notice)


def return_result(dossier: Dossier, actor: Actor, method: str, note: str = "", *,
                  version: int | None = None, at: datetime | None = None) -> Dossier:
    """Hand the result over: at the counter, electronically, or (issue 5) by post."""
    if method not in RETURN_METHODS:
        raise Invalid(_("Cách trả kết quả không hợp lệ."), {"method": [_("Giá trị không hợp lệ.")]})
    t = check(dossier, actor, f"return_{method}", version)
    at = at or utcnow()
    dossier.returned_at, dossier.return_method = at, method
    return record(dossier, actor, t.target, typed(note) or t.label, at)


def postal_step(dossier: Dossier, actor: Actor, text: str, *, leg: str = "result",
                return_method: str | None = None, at: datetime | None = None,
                commit: bool = True) -> Dossier:
    """Put a postal step (registered, handed to post, failed) on the timeline; status stays.

    `leg` "originals": the applicant's originals coming in. The post carries them whatever
    became of the dossier meanwhile (refused, stopped, result already handed back), so the
    desk records them in any status; only steps about sending the result are refused then.
    """
    # Delivery of the result is not a step but the `return_post` transition: return_result(..., "post").
    if leg != "originals" and dossier.status in (S.REFUSED, S.STOPPED, S.RETURNED):
        raise WrongStatus(_("Hồ sơ đang ở trạng thái “%(status)s”, không thể gửi qua bưu chính.",
                            status=dossier.status_enum.label))
    if return_method is not None:
        dossier.return_method = return_method
    return record(dossier, actor, Status(dossier.status), text, at or utcnow(), commit=commit)
