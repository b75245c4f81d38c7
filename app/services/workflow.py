"""The dossier state machine: the only code that changes `Dossier.status`.

Each transition says who may make it and from which statuses (`TRANSITIONS`), checks what
it needs (a reason, the missing items, a result document), appends a StatusEvent and
commits. Two officers acting on the same dossier at once: the form carries the version it
was drawn from, and the database's version column refuses the second writer even when
both read the same version; either way the loser gets `Stale` and nothing is written.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.i18n import N_
from app.models import Document, Dossier, Role, Status, StatusEvent, SupplementRequest
from app.models.time import to_local, utcnow
from app.services import deadlines, notifications
from app.services.actors import Actor
from app.services.errors import DomainError, Invalid, NotFound

S = Status
BEFORE_RESULT = frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT, S.AWAITING_PAYMENT})
RETURN_METHODS = ("counter", "electronic", "post")
RUNNING_CLOCK = {S.ACCEPTED, S.PROCESSING, S.AWAITING_PAYMENT}


class NotAllowed(DomainError):
    code, status = "not_allowed", 403


class WrongStatus(DomainError):
    code, status = "wrong_status", 409


class Stale(DomainError):
    code, status = "changed_by_someone_else", 409


@dataclass(frozen=True)
class Transition:
    name: str
    target: Status | None  # None: back to the status before the supplement request
    by: dict[str, frozenset[Status]]  # role (or "citizen", "system") -> statuses it acts from
    label: object


def _t(name, target, label, **by) -> Transition:
    return Transition(name, target, {role: frozenset(s) for role, s in by.items()}, label)


# Who may do what, from where. Leaders and administrators read; they never move dossiers.
TRANSITIONS = {t.name: t for t in [
    _t("accept", S.ACCEPTED, _l("Tiếp nhận hồ sơ"), reception={S.SUBMITTED}),
    _t("refuse", S.REFUSED, _l("Từ chối tiếp nhận"), reception={S.SUBMITTED}),
    _t("request_supplement", S.SUPPLEMENT, _l("Yêu cầu bổ sung"),
       reception={S.SUBMITTED, S.ACCEPTED}, department={S.PROCESSING}),
    _t("answer_supplement", None, _l("Nhận hồ sơ bổ sung"), citizen={S.SUPPLEMENT},
       reception={S.SUPPLEMENT}),
    _t("forward", S.PROCESSING, _l("Chuyển cơ quan giải quyết"), reception={S.ACCEPTED}),
    _t("request_payment", S.AWAITING_PAYMENT, _l("Yêu cầu thực hiện nghĩa vụ tài chính"),
       department={S.PROCESSING}),
    _t("confirm_payment", S.PROCESSING, _l("Xác nhận đã thực hiện nghĩa vụ tài chính"),
       department={S.AWAITING_PAYMENT}),
    _t("resolve", S.RESOLVED, _l("Hoàn thành và đính kèm kết quả"),
       department={S.PROCESSING, S.AWAITING_PAYMENT}),
    _t("return_counter", S.RETURNED, _l("Trả kết quả tại quầy"), reception={S.RESOLVED}),
    _t("return_electronic", S.RETURNED, _l("Trả kết quả điện tử"), citizen={S.RESOLVED}),
    # Hook for postal return (issue 5): the postal module, acting as Actor.system(...),
    # calls return_result(dossier, actor, "post") once the operator confirms delivery.
    _t("return_post", S.RETURNED, _l("Trả kết quả qua bưu chính"), system={S.RESOLVED}),
    _t("request_withdrawal", S.WITHDRAWAL_REQUESTED, _l("Ghi nhận yêu cầu rút hồ sơ"),
       citizen=BEFORE_RESULT, reception=BEFORE_RESULT),
    # Mẫu 04: the dossier will be late; the applicant gets an apology and a new date.
    _t("apologise", None, _l("Gửi thư xin lỗi, hẹn lại ngày trả"), reception=RUNNING_CLOCK,
       department=RUNNING_CLOCK),
    _t("stop", S.STOPPED, _l("Dừng xử lý"), reception={S.WITHDRAWAL_REQUESTED},
       department={S.WITHDRAWAL_REQUESTED}),
]}


def in_scope(actor: Actor, dossier: Dossier) -> bool:
    """A department officer only ever sees their own agency's dossiers."""
    return actor.role != Role.DEPARTMENT or actor.agency_id == dossier.agency_id


def can(actor: Actor, dossier: Dossier, name: str) -> bool:
    """Say whether `actor` may make transition `name` on `dossier` now."""
    sources = TRANSITIONS[name].by.get(actor.role, frozenset())
    if name == "return_electronic" and dossier.return_method != "electronic":
        return False
    return in_scope(actor, dossier) and dossier.status in sources


def actions_for(actor: Actor, dossier: Dossier) -> list[Transition]:
    """Return the transitions `actor` may make on `dossier` now, in lifecycle order."""
    return [t for t in TRANSITIONS.values() if can(actor, dossier, t.name)]


def stale_error(dossier_id: int) -> Stale:
    """Build the "already changed by ..." error from the latest timeline entry."""
    last = db.session.execute(
        db.select(StatusEvent).filter_by(dossier_id=dossier_id).order_by(StatusEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    who = last.actor_label if last and last.actor_label else _("người khác")
    when = to_local(last.created_at).strftime("%H:%M %d/%m/%Y") if last else ""
    return Stale(_("Hồ sơ đã được thay đổi bởi %(who)s lúc %(when)s. Trang đã hiện dữ liệu mới "
                   "nhất; vui lòng xem lại trước khi thao tác.", who=who, when=when))


def check(dossier: Dossier, actor: Actor, name: str, version: int | None = None) -> Transition:
    """Raise unless `actor` may make `name` now (scope, role, version, status, in that order)."""
    t = TRANSITIONS[name]
    if not in_scope(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if actor.role not in t.by:
        raise NotAllowed(_("Bạn không có quyền “%(action)s”.", action=t.label))
    if version is not None and version != dossier.version:
        raise stale_error(dossier.id)
    if not can(actor, dossier, name):
        raise WrongStatus(_("Hồ sơ đang ở trạng thái “%(status)s”, không thể “%(action)s”.",
                            status=dossier.status_enum.label, action=t.label))
    return t


def _move(dossier: Dossier, actor: Actor, to: Status, note: str, at: datetime) -> None:
    # Added by foreign key rather than through `dossier.events`: loading that collection
    # would autoflush the dossier early and bump its version twice in one transition.
    db.session.add(StatusEvent(
        dossier_id=dossier.id, from_status=dossier.status, to_status=int(to), actor_kind=actor.kind,
        actor_id=actor.id, actor_label=actor.label, note=note[:2000], created_at=at,
    ))
    if int(to) != dossier.status:
        notifications.on_transition(dossier, to, note)
    dossier.status = int(to)


def _attach(dossier: Dossier, documents: list[Document], round_: str) -> None:
    for doc in documents:
        doc.dossier_id, doc.round = dossier.id, round_
        db.session.add(doc)


def _commit(dossier_id: int) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        # Someone else's change landed between our read and our write.
        db.session.rollback()
        raise stale_error(dossier_id) from None


def _local_day(at: datetime) -> date:
    return to_local(at).date()


def _simple(name: str, note_required: str | None = None):
    """Build a transition that needs at most a note."""
    def run(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
            at: datetime | None = None) -> Dossier:
        t = check(dossier, actor, name, version)
        note = (note or "").strip()
        if note_required and not note:
            raise Invalid(_(note_required), {"note": [_("Vui lòng nhập thông tin này.")]})
        _move(dossier, actor, t.target, note or str(t.label), at or utcnow())
        _commit(dossier.id)
        return dossier
    run.__name__ = name
    run.__doc__ = f"Make the '{name}' transition."
    return run


refuse = _simple("refuse", note_required=N_("Vui lòng ghi lý do từ chối tiếp nhận."))
forward = _simple("forward")
request_payment = _simple("request_payment")
confirm_payment = _simple("confirm_payment")
request_withdrawal = _simple("request_withdrawal")
stop = _simple("stop")


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
    _move(dossier, actor, t.target, note.strip() or _("Tiếp nhận; hẹn trả ngày %(d)s",
                                                      d=dossier.due_date.strftime("%d/%m/%Y")), at)
    _commit(dossier.id)
    return dossier


def request_supplement(dossier: Dossier, actor: Actor, items: str, deadline: date | None, *,
                       version: int | None = None, at: datetime | None = None) -> SupplementRequest:
    """Ask for missing documents by a deadline; the processing clock pauses."""
    t = check(dossier, actor, "request_supplement", version)
    at = at or utcnow()
    errors = {}
    if not (items or "").strip():
        errors["items"] = [_("Vui lòng ghi các giấy tờ, thông tin cần bổ sung.")]
    if deadline is None or deadline < _local_day(at):
        errors["deadline"] = [_("Hạn bổ sung phải từ hôm nay trở đi.")]
    if errors:
        raise Invalid(_("Yêu cầu bổ sung chưa đủ thông tin."), errors)
    dossier.supplement_count += 1
    request = SupplementRequest(
        dossier_id=dossier.id, number=dossier.supplement_count, items=items.strip()[:4000],
        deadline=deadline, from_status=dossier.status, requested_by_id=actor.id,
        requested_by_label=actor.label, requested_at=at)
    db.session.add(request)
    if dossier.accepted_at is not None:  # before acceptance no clock runs yet
        dossier.clock_stopped_on = _local_day(at)
    _move(dossier, actor, t.target, _("Yêu cầu bổ sung (lần %(n)s): %(items)s",
                                      n=request.number, items=request.items), at)
    _commit(dossier.id)
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
        request.paused_days = deadlines.working_days_after(dossier.clock_stopped_on, _local_day(at), cal)
        dossier.due_date = cal.add_working_days(dossier.due_date, request.paused_days)
    dossier.clock_stopped_on = None
    _attach(dossier, documents, f"supplement-{request.number}")
    request.answered_at, request.answer_key, request.answer_hash = at, key, digest
    request.answer_note = (note or "").strip()[:2000]
    text = _("Đã bổ sung %(n)s tệp", n=len(documents))
    _move(dossier, actor, Status(request.from_status), f"{text}. {request.answer_note}".strip(" ."), at)
    _commit(dossier.id)
    return request


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
    _attach(dossier, results, "result")
    dossier.finished_at, dossier.return_method = at, return_method
    dossier.clock_stopped_on = _local_day(at)
    _move(dossier, actor, t.target, note.strip() or str(t.label), at)
    _commit(dossier.id)
    return dossier


def return_result(dossier: Dossier, actor: Actor, method: str, note: str = "", *,
                  version: int | None = None, at: datetime | None = None) -> Dossier:
    """Hand the result over: at the counter, electronically, or (issue 5) by post."""
    if method not in RETURN_METHODS:
        raise Invalid(_("Cách trả kết quả không hợp lệ."), {"method": [_("Giá trị không hợp lệ.")]})
    t = check(dossier, actor, f"return_{method}", version)
    at = at or utcnow()
    dossier.returned_at, dossier.return_method = at, method
    _move(dossier, actor, t.target, note.strip() or str(t.label), at)
    _commit(dossier.id)
    return dossier


def postal_step(dossier: Dossier, actor: Actor, text: str, *, return_method: str | None = None,
                at: datetime | None = None, commit: bool = True) -> Dossier:
    """Put a postal step (registered, handed to post, failed) on the timeline; status stays."""
    # Delivery is not a step but the `return_post` transition: return_result(..., "post").
    if dossier.status in (S.REFUSED, S.STOPPED, S.RETURNED):
        raise WrongStatus(_("Hồ sơ đang ở trạng thái “%(status)s”, không thể gửi qua bưu chính.",
                            status=dossier.status_enum.label))
    if return_method is not None:
        dossier.return_method = return_method
    _move(dossier, actor, Status(dossier.status), text, at or utcnow())
    if commit:  # a waybill import commits all its rows at once, or none
        _commit(dossier.id)
    return dossier
