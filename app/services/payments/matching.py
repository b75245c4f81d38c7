"""A credit to a dossier, by the dossier code in its content, and what it does to the fee.

Banks rewrite a transfer's content (upper case, dots and dashes dropped or turned into
spaces, their own prefix and suffix added), so the content is squeezed to letters and digits
and searched for the centre's agency code followed by the day and the number of a dossier
code (`000.00.00.H40-260312-0007` is found in `MBVCB.123.00000H40 260312 0007.CT tu ...`).
A credit matches only a dossier of the agency whose account received it, and only when the
content names exactly one such dossier; anything else is left for an officer (`review`).

A credit that makes the fee paid confirms the payment through the workflow when the dossier
waits for it (status 6 → 4), in the caller's transaction (the caller commits).
"""

import re
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.time import VN, utcnow
from app.models import BankCredit, Dossier, Payment, Status
from app.services import workflow
from app.services.actors import Actor

_FULL_CODE = re.compile(r"[0-9A-Za-z]{1,5}(?:\.[0-9A-Za-z]{1,5}){1,4}-\d{6}-\d{4}")


def _squeeze(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def codes_in(content: str, agency_code: str) -> list[str]:
    """Return the dossier codes `content` may name, in the order they appear, without repeats."""
    found = [m.group(0).upper() for m in _FULL_CODE.finditer(content)]
    prefix = _squeeze(agency_code)
    if prefix:
        for m in re.finditer(re.escape(prefix) + r"(\d{6})(\d{4})", _squeeze(content)):
            found.append(f"{agency_code.upper()}-{m.group(1)}-{m.group(2)}")
    return list(dict.fromkeys(found))


def dossiers_for(credits: list[BankCredit], agency_id: int) -> list[Dossier | None]:
    """For each credit, the one dossier of the receiving agency its content names, or None.

    One query per 500 codes, whatever the statement's length (a statement is thousands of lines).
    """
    agency_code = current_app.config["AGENCY_CODE"]
    named = [codes_in(c.content, agency_code) for c in credits]
    wanted = sorted({code for codes in named for code in codes})
    found: dict[str, Dossier] = {}
    for start in range(0, len(wanted), 500):
        found.update((d.code, d) for d in db.session.execute(db.select(Dossier).where(
            Dossier.code.in_(wanted[start:start + 500]), Dossier.agency_id == agency_id)).scalars())
    out = []
    for codes in named:
        matches = {found[c].id: found[c] for c in codes if c in found}
        out.append(next(iter(matches.values())) if len(matches) == 1 else None)
    return out


def payments_of(dossier_ids: list[int]) -> dict[int, Payment]:
    """The existing payments of these dossiers, by dossier id."""
    out: dict[int, Payment] = {}
    for start in range(0, len(dossier_ids), 500):
        out.update((p.dossier_id, p) for p in db.session.execute(
            db.select(Payment).where(Payment.dossier_id.in_(dossier_ids[start:start + 500]))).scalars())
    return out


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


def apply(credit: BankCredit, dossier: Dossier, actor: Actor, how: str,
          payments: dict[int, Payment] | None = None) -> Payment:
    """Count the credit towards the dossier's fee; confirm the payment if that covers it.

    `payments` (dossier id → payment) is the caller's batch, read once and kept up to date here.
    """
    if payments is None:
        payments = payments_of([dossier.id])
    payment = payments.get(dossier.id)
    if payment is None:
        payment = Payment(dossier_id=dossier.id, agency_id=dossier.agency_id,
                          amount_due=dossier.procedure.fee, amount_paid=0)
        db.session.add(payment)
        payments[dossier.id] = payment
    credit.dossier_id, credit.matched_by = dossier.id, how
    payment.amount_paid = (payment.amount_paid or 0) + credit.amount
    payment.resolved_at, payment.resolved_by, payment.resolution = None, "", ""  # news to decide on again
    if payment.paid_at is None and payment.amount_paid >= payment.amount_due:
        payment.paid_at = _utc(credit.booked_at)
        confirm(dossier, actor, _l("Đã nhận phí qua chuyển khoản (mã giao dịch %(id)s).",
                                   id=credit.transaction_id))
    return payment


def confirm(dossier: Dossier, actor: Actor, note) -> bool:
    """Move a dossier waiting for its fee back to processing; say whether it moved."""
    if dossier.status != Status.AWAITING_PAYMENT or not workflow.can(actor, dossier, "confirm_payment"):
        return False
    t = workflow.check(dossier, actor, "confirm_payment")
    workflow.record(dossier, actor, t.target, note, utcnow(), commit=False)
    return True
