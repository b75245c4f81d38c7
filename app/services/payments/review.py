"""What a person decides: credits no dossier was found for, and partial or excess payments.

An officer of the receiving agency may give an unmatched credit to one of the agency's
dossiers (it then counts as if its content had named it), set it aside with a reason
(refunded, not a fee), or close a partial or excess payment with what was done: for a partial
one, optionally accepting it as the whole fee, which confirms the payment like a full credit.
Nobody sees or decides on another agency's credits or payments: they answer as not found.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.time import utcnow
from app.models import BankCredit, Dossier, Payment, StatementImport
from app.services.actors import Actor
from app.services.errors import Invalid, NotFound
from app.services.payments import matching

MAX_LISTED = 200


@dataclass(frozen=True)
class Open:
    unmatched: list[BankCredit]
    partial: list[Payment]
    excess: list[Payment]
    imports: list[StatementImport]


def open_items(agency_id: int) -> Open:
    """Return the agency's credits and payments waiting for a person, and its latest imports."""
    unmatched = db.session.execute(
        db.select(BankCredit).filter_by(agency_id=agency_id, dossier_id=None, dismissed=False)
        .order_by(BankCredit.booked_at.desc(), BankCredit.id.desc()).limit(MAX_LISTED)).scalars().all()
    payments = db.session.execute(
        db.select(Payment).filter_by(agency_id=agency_id, resolved_at=None)
        .where(Payment.amount_paid != Payment.amount_due)
        .order_by(Payment.id.desc()).limit(MAX_LISTED)).scalars().all()
    imports = db.session.execute(
        db.select(StatementImport).filter_by(agency_id=agency_id)
        .order_by(StatementImport.id.desc()).limit(10)).scalars().all()
    return Open(unmatched, [p for p in payments if p.state == "partial"],
                [p for p in payments if p.state == "excess"], imports)


def _credit(credit_id: int, actor: Actor) -> BankCredit:
    credit = db.session.get(BankCredit, credit_id)
    if credit is None or credit.agency_id != actor.agency_id:
        raise NotFound(_("Không tìm thấy khoản tiền."))
    return credit


def _open_credit(credit_id: int, actor: Actor) -> BankCredit:
    credit = _credit(credit_id, actor)
    if credit.dossier_id is not None or credit.dismissed:
        raise Invalid(_("Khoản tiền này đã được xử lý."), {})
    return credit


def assign(credit_id: int, code: str, actor: Actor) -> Payment:
    """Count an unmatched credit towards the agency's dossier with this code."""
    credit = _open_credit(credit_id, actor)
    code = (code or "").strip().upper()
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one_or_none()
    if dossier is None or dossier.agency_id != credit.agency_id:
        raise Invalid(_("Không tìm thấy hồ sơ %(code)s của cơ quan.", code=code or "…"),
                      {"code": [_("Vui lòng nhập đúng mã hồ sơ của cơ quan mình.")]})
    payment = matching.apply(credit, dossier, actor, "staff")
    credit.decided_by, credit.decided_at = actor.label, utcnow()
    db.session.commit()
    return payment


def dismiss(credit_id: int, note: str, actor: Actor) -> BankCredit:
    """Set an unmatched credit aside, saying why (refunded, not a fee, ...)."""
    credit = _open_credit(credit_id, actor)
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Vui lòng ghi lý do."), {"note": [_("Vui lòng ghi lý do.")]})
    credit.dismissed, credit.note = True, note[:500]
    credit.decided_by, credit.decided_at = actor.label, utcnow()
    db.session.commit()
    return credit


def resolve(payment_id: int, note: str, accept: bool, actor: Actor) -> Payment:
    """Close a partial or excess payment with what was done; `accept` takes a partial one as paid."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.agency_id != actor.agency_id:
        raise NotFound(_("Không tìm thấy khoản thanh toán."))
    if payment.state not in ("partial", "excess") or payment.resolved_at is not None:
        raise Invalid(_("Khoản thanh toán này đã được xử lý."), {})
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Vui lòng ghi cách xử lý."), {"note": [_("Vui lòng ghi cách xử lý.")]})
    if accept and payment.state == "partial":
        payment.paid_at = utcnow()
        matching.confirm(payment.dossier, actor, _l("Cán bộ xác nhận đã nộp phí: %(note)s", note=note[:400]))
    payment.resolved_at, payment.resolved_by, payment.resolution = utcnow(), actor.label, note[:500]
    db.session.commit()
    return payment
