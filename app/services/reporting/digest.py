"""The daily deadline digest: each department's officers hear what falls due soon and what is late.

One e-mail per officer (role department, that agency, active, with an e-mail address) per
day, through the notification outbox like every other message: its dedupe key carries the
agency and the date, so queuing the same day twice (two workers, a restart, `flask digest`
by hand) queues it once. A department with nothing due soon and nothing late gets nothing.
Due soon and late come from the one rule in services/overdue.py.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.lib.time import VN
from app.models import Agency, Dossier, Procedure, Role, Status, User
from app.services.messaging import notifications
from app.services.workflow import deadlines, overdue

KIND = "deadline_digest"
MAX_ROWS = 100  # per list: a longer one ends with "and N more", the queue has them all


@dataclass(frozen=True)
class Row:
    code: str
    procedure: str
    due_date: date
    days_late: int = 0


@dataclass(frozen=True)
class Digest:
    agency: Agency
    soon: list[Row]
    late: list[Row]
    soon_total: int
    late_total: int


def _rows(agency_id: int, condition, today: date, cal: deadlines.WorkCalendar) -> tuple[list[Row], int]:
    """Return the first MAX_ROWS dossiers of `agency_id` matching `condition`, and how many match."""
    where = (Dossier.agency_id == agency_id, condition)
    total = db.session.execute(db.select(db.func.count()).select_from(Dossier).where(*where)).scalar_one()
    dossiers = db.session.execute(
        db.select(Dossier).where(*where)
        .options(joinedload(Dossier.procedure).options(load_only(Procedure.name)))
        .order_by(Dossier.due_date, Dossier.id).limit(MAX_ROWS)).scalars()
    return [Row(d.code, d.procedure.name, d.due_date, overdue.working_days_late(d, today, cal))
            for d in dossiers], total


def build(agency: Agency, today: date, cal: deadlines.WorkCalendar) -> Digest:
    """Collect what falls due soon and what is late (still open) for one department."""
    soon, soon_total = _rows(agency.id, overdue.due_soon_clause(today, cal), today, cal)
    late, late_total = _rows(agency.id, db.and_(overdue.overdue_clause(today),
                                                Dossier.status.not_in(sorted(Status.FINISHED))),
                             today, cal)
    return Digest(agency, soon, late, soon_total, late_total)


def officers(agency_id: int) -> list[User]:
    """Return the active department officers of `agency_id` who have an e-mail address."""
    return list(db.session.execute(
        db.select(User).where(User.role == Role.DEPARTMENT, User.agency_id == agency_id,
                              User.active.is_(True), User.email.is_not(None), User.email != "")
        .order_by(User.id)).scalars())


def queue_digests(day: date) -> int:
    """Queue `day`'s digest to every department with something due; return messages queued."""
    cal = deadlines.load_calendar()
    agency_ids = db.session.execute(
        db.select(User.agency_id).where(User.role == Role.DEPARTMENT, User.agency_id.is_not(None),
                                        User.active.is_(True)).distinct()).scalars().all()
    link = notifications.public_url("staff.queue")
    queued = 0
    for agency in db.session.execute(db.select(Agency).where(Agency.id.in_(agency_ids))
                                     .order_by(Agency.id)).scalars():
        digest = build(agency, day, cal)
        if not (digest.soon_total or digest.late_total):
            continue
        try:
            for user in officers(agency.id):
                queued += len(notifications.notify_account(
                    user, KIND, f"{agency.id}:{day.isoformat()}", link=link, digest=digest, day=day,
                    soon_days=overdue.soon_days()))
            db.session.commit()  # one department at a time
        except IntegrityError:  # another worker queued this department's digest first
            db.session.rollback()
    return queued


def queue_if_due(last_day: date | None, now: datetime | None = None) -> date | None:
    """Queue today's digests once DIGEST_HOUR (Vietnam time) has come; return the day done.

    The worker calls this every loop with what it returned last time, so after the first
    run of a day it costs nothing until the next day.
    """
    local = (now or datetime.now(VN)).astimezone(VN)
    hour = current_app.config.get("DIGEST_HOUR")
    if hour is None or hour < 0 or local.hour < hour or last_day == local.date():
        return last_day
    queue_digests(local.date())
    return local.date()
