"""What a dossier owes and has paid, and the transfer a citizen is asked to make for it.

The fee is the procedure's (`Procedure.fee`, VND) until the first credit reaches the dossier;
from then on the dossier's `Payment` keeps it. The transfer goes to the receiving account of
the agency that handles the procedure, for what is still due, with the dossier code as its
content: that is what `matching` looks for in the bank statement.
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime

import segno
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib import vietqr
from app.lib.banks import bank_name
from app.models import BankAccount, Dossier, Payment, Procedure, Status
from app.services.payments import accounts

# The transfer is asked for when the department asks for the fee (status 6, "Yêu cầu thực hiện
# nghĩa vụ tài chính"). A procedure whose fee is paid at submission (`fee_at_submission`) asks
# for it from filing on until the result is handed over: submitted, accepted, processing,
# waiting for a supplement, and resolved (the result may be ready before the fee came; officers
# are warned, not stopped, since a paper receipt may exist). What was paid shows in any status.
ASKING = frozenset({Status.AWAITING_PAYMENT})
ASKING_FROM_SUBMISSION = ASKING | {Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT,
                                   Status.RESOLVED}

# A fee's state in words, as staff and the applicant read it.
STATE_LABELS = {"due": _l("Chưa nộp"), "partial": _l("Nộp thiếu"), "paid": _l("Đã nộp đủ"),
                "excess": _l("Nộp thừa")}


@dataclass(frozen=True)
class Fee:
    amount_due: int
    amount_paid: int
    state: str  # due | partial | paid | excess
    paid_at: datetime | None  # naive UTC
    account: BankAccount | None
    bank: str
    content: str  # what to type as the transfer's content
    payload: str | None  # the VietQR payload for what remains, when a transfer is asked for
    asking: bool = True  # whether the dossier's status asks for the transfer now

    @property
    def remaining(self) -> int:
        return max(self.amount_due - self.amount_paid, 0)

    @property
    def unpaid(self) -> bool:
        return self.state in ("due", "partial")

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def transfer_content(code: str) -> str:
    """The content to transfer with: the dossier code, squeezed if it is too long for the QR."""
    if len(code) <= vietqr.MAX_PURPOSE and code.isascii():
        return code
    return re.sub(r"[^0-9A-Za-z]", "", code)[-vietqr.MAX_PURPOSE:]


def payment_of(dossier: Dossier) -> Payment | None:
    if dossier.id is None:  # being filed (its receipt message is written before the commit)
        return None
    return db.session.execute(db.select(Payment).filter_by(dossier_id=dossier.id)).scalar_one_or_none()


def asks_now(dossier: Dossier) -> bool:
    """Whether the dossier's status asks for the transfer (status 6, or from filing on where the
    procedure's fee is paid at submission)."""
    statuses = ASKING_FROM_SUBMISSION if dossier.procedure.fee_at_submission else ASKING
    return dossier.status in statuses


def fee_of(dossier: Dossier, *, asking: bool = False) -> Fee | None:
    """Return what the dossier owes and has paid, or None when it owes nothing and paid nothing.

    `asking`: the department is asking for the fee now (the applicant's message is written just
    before the dossier moves to status 6), so the transfer is asked for whatever the status says.
    """
    return _read(dossier, asking or asks_now(dossier), always=False)


def standing(dossier: Dossier) -> Fee | None:
    """Return what the dossier owes and has paid whatever its status asks (the staff page), or
    None when its procedure is free and nothing was paid; the QR only where the status asks."""
    return _read(dossier, asks_now(dossier), always=True)


def on_status_page(dossier: Dossier) -> Fee | None:
    """The fee the applicant's status page shows: `fee_of`, and once the result of a dossier
    paid at submission is returned, what it still owes (its state, no transfer asked)."""
    if dossier.procedure.fee_at_submission and dossier.status == Status.RETURNED:
        return standing(dossier)
    return fee_of(dossier)


def _read(dossier: Dossier, asking: bool, always: bool) -> Fee | None:
    payment = payment_of(dossier)
    if payment is None:
        if dossier.procedure.fee <= 0 or not (asking or always):
            return None
        due, paid, state, paid_at = dossier.procedure.fee, 0, "due", None
    else:
        due, paid, state, paid_at = payment.amount_due, payment.amount_paid, payment.state, payment.paid_at
    account = accounts.of(dossier.agency_id)
    content = transfer_content(dossier.code)
    payload = None
    if account is not None and state in ("due", "partial") and asking and due > paid:
        try:
            payload = vietqr.build(account.bank_bin, account.account_number, due - paid, content)
        except vietqr.VietQRError:  # an account saved before a rule tightened: the text still helps
            payload = None
    return Fee(due, paid, state, paid_at, account, bank_name(account.bank_bin) if account else "",
               content, payload, asking)


def counter_only(procedure: Procedure) -> bool:
    """Whether the procedure's fee, paid at submission, can only be paid at the counter: its
    agency has no receiving account, so the receipt will carry no transfer."""
    return procedure.fee_at_submission and procedure.fee > 0 and accounts.of(procedure.agency_id) is None


def transfer_qr_png(dossier: Dossier, *, asking: bool = False) -> bytes | None:
    """The VietQR of what the dossier still owes as a PNG for an e-mail, or None if nothing is
    asked for now (paid meanwhile, no receiving account, nothing due). Drawn when the message
    goes out, so a fee paid between queueing and sending is not asked for again."""
    fee = fee_of(dossier, asking=asking)
    if fee is None or not fee.payload:
        return None
    out = io.BytesIO()
    segno.make(fee.payload, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()
