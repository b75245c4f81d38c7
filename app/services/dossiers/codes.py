"""The official dossier code: <agency code>-<YYMMDD>-<NNNN>, gap-free per agency and day."""

from datetime import date

from flask_babel import gettext as _

from app.extensions import db
from app.models.sequence import DailySequence
from app.services.errors import SequenceExhausted
from app.services.sql import insert

MAX_PER_DAY = 9999


def allocate_code(agency_code: str, day: date) -> str:
    """Take the next number for (agency, day) inside the caller's transaction.

    The upsert takes a row lock that is held until the caller commits, so concurrent
    submissions queue behind each other; a rollback gives the number back, which keeps the
    sequence gap-free.
    """
    stmt = insert(DailySequence).values(agency_code=agency_code, day=day, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailySequence.agency_code, DailySequence.day],
        set_={"last": DailySequence.last + 1},
    ).returning(DailySequence.last)
    number = db.session.execute(stmt).scalar_one()
    if number > MAX_PER_DAY:
        raise SequenceExhausted(_("Đã hết số hồ sơ trong ngày; vui lòng nộp lại vào ngày mai."))
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"
