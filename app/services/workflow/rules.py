"""Who may make each transition, from which statuses, and the errors when they may not."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.time import to_local
from app.models import Dossier, Role, Status, StatusEvent
from app.services.actors import Actor
from app.services.errors import NotAllowed, NotFound, Stale, WrongStatus

S = Status
BEFORE_RESULT = frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT, S.AWAITING_PAYMENT})
RETURN_METHODS = ("counter", "electronic", "post")
# An apology (a new date) while the clock runs; not once the applicant asked to withdraw.
APOLOGY_ALLOWED = S.CLOCK_RUNNING - {S.WITHDRAWAL_REQUESTED}


@dataclass(frozen=True)
class Transition:
    name: str
    # None: the action decides: back to where the dossier was before a supplement request
    # or a withdrawal request, or (an apology) the status stays.
    target: Status | None
    by: dict[str, frozenset[Status]]  # role (or "citizen", "system") -> statuses it acts from
    label: object


def _t(name, target, label, **by) -> Transition:
    return Transition(name, target, {role: frozenset(s) for role, s in by.items()}, label)


# Who may do what, from where. Leaders and administrators read; they never move dossiers.
TRANSITIONS = {t.name: t for t in [
    _t("accept", S.ACCEPTED, _l("Tiếp nhận hồ sơ"), reception={S.SUBMITTED}),
    _t("refuse", S.REFUSED, _l("Từ chối tiếp nhận"), reception={S.SUBMITTED}),
    _t("request_supplement", S.SUPPLEMENT, _l("Yêu cầu bổ sung hồ sơ"),  # a verb (status: Yêu cầu bổ sung)
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
    _t("apologise", None, _l("Gửi thư xin lỗi, hẹn lại ngày trả"), reception=APOLOGY_ALLOWED,
       department=APOLOGY_ALLOWED),
    _t("stop", S.STOPPED, _l("Dừng xử lý"), reception={S.WITHDRAWAL_REQUESTED},
       department={S.WITHDRAWAL_REQUESTED}),
    # The officers who may stop a dossier may instead keep it going, with a reason.
    _t("decline_withdrawal", None, _l("Không chấp nhận yêu cầu rút hồ sơ"),
       reception={S.WITHDRAWAL_REQUESTED}, department={S.WITHDRAWAL_REQUESTED}),
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
    who = last.actor_text if last and last.actor_label else _("người khác")
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
