"""Importing a bank statement: its new credits stored once each, matched, in one transaction.

Idempotent per bank transaction id: the pair (agency, transaction id) is UNIQUE, so a credit
already imported (the same file again, or overlapping statements) is counted as such and
changes nothing; a file with no new credit writes nothing at all and says so. Two officers
importing overlapping files at once: the second insert of a transaction id is refused by
the database, the whole import rolls back and runs once more, now finding those credits
imported. (app/services/idempotency.py is for a client's key on one write; a statement
carries the bank's own key on each line, which this table's constraint enforces directly.)
"""

import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import BankCredit, StatementImport
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.payments import accounts, matching, statement


@dataclass
class Summary:
    credits: int = 0  # credit lines in the file
    added: int = 0
    duplicates: int = 0  # imported before
    paid: int = 0  # dossiers whose fee these credits covered exactly
    confirmed: int = 0  # of which moved from "awaiting payment" back to processing
    partial: int = 0
    excess: int = 0
    unmatched: int = 0
    codes: list[str] = field(default_factory=list)  # dossiers a credit reached


def import_statement(agency_id: int, data: bytes, file_name: str, actor: Actor, by: str) -> Summary:
    """Import the agency's statement; raise a domain error (nothing stored) if the file is refused."""
    account = accounts.of(agency_id)
    if account is None:
        raise Invalid(_("Cơ quan chưa có tài khoản nhận tiền; quản trị viên cần khai trước khi nhập sao kê."),
                      {"rows": []})
    credits = statement.read(data, account.columns)
    for attempt in (1, 2):
        try:
            return _store(agency_id, credits, file_name, hashlib.sha256(data).hexdigest(), actor, by)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        except StaleDataError:
            db.session.rollback()
            raise Invalid(_("Có hồ sơ vừa được thay đổi; chưa nhập khoản nào. Vui lòng nhập lại tệp."),
                          {"rows": []}) from None
    raise AssertionError("unreachable")


def _known(agency_id: int, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        known.update(db.session.execute(
            db.select(BankCredit.transaction_id).where(
                BankCredit.agency_id == agency_id, BankCredit.transaction_id.in_(ids[start:start + 500]))
        ).scalars())
    return known


def _store(agency_id, credits, file_name, sha256, actor, by) -> Summary:
    known = _known(agency_id, [c.transaction_id for c in credits])
    fresh = [c for c in credits if c.transaction_id not in known]
    summary = Summary(credits=len(credits), added=len(fresh), duplicates=len(credits) - len(fresh))
    if not fresh:
        return summary  # nothing new: nothing written, not even a record of the attempt
    batch = StatementImport(agency_id=agency_id, file_name=(file_name or "")[:255], sha256=sha256,
                            credits=len(credits), added=len(fresh), imported_by=by)
    db.session.add(batch)
    db.session.flush()
    credits = [BankCredit(agency_id=agency_id, transaction_id=line.transaction_id, booked_at=line.booked_at,
                          amount=line.amount, content=line.content, import_id=batch.id) for line in fresh]
    db.session.add_all(credits)
    db.session.flush()  # a transaction id stored meanwhile by another import is refused here
    dossiers = matching.dossiers_for(credits, agency_id)
    payments = matching.payments_of(sorted({d.id for d in dossiers if d is not None}))
    touched = {}
    with db.session.no_autoflush:  # one flush at the end, not one per line
        for credit, dossier in zip(credits, dossiers, strict=True):
            if dossier is None:
                summary.unmatched += 1
                continue
            before = dossier.status
            touched[dossier.code] = matching.apply(credit, dossier, actor, "code", payments)
            summary.confirmed += int(dossier.status != before)
    db.session.flush()
    for payment in touched.values():
        state = payment.state
        summary.paid += state == "paid"
        summary.partial += state == "partial"
        summary.excess += state == "excess"
    summary.codes = sorted(touched)
    db.session.commit()
    return summary
