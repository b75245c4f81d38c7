"""Overdue, the way DOMAIN.md counts it: one rule, as a test on a dossier and as SQL.

The processing clock runs from acceptance to the appointment (due) date. It stops while
the applicant supplements (the due date is pushed back by the paused working days when
they answer) and for good when the result is ready; `Dossier.clock_stopped_on` is the day
it stopped. A dossier is overdue when the day its clock stopped (or today, if it still
runs) is after the due date, or when it needed more than one supplement request (the
national rule counts those as overdue whatever the dates say). Dossiers not yet accepted,
refused or stopped are not counted.

`is_late`/`is_overdue` and `late_clause`/`overdue_clause` are the same rule written twice, once
for Python and once for SQL, under both counting rules (`RULES`); the reports count with them
too. tests/unit/test_overdue.py checks that the two forms agree on every case.
"""

from datetime import date
from enum import StrEnum

from flask import current_app
from sqlalchemy import and_, func, or_

from app.models import Dossier, Status
from app.services.workflow.deadlines import WorkCalendar, working_days_after

RULES = ("national", "centre")  # "centre" compares dates only; "national" adds the supplement rule
SOON_DAYS = 1  # "due within one working day" unless DUE_SOON_WORKING_DAYS says otherwise


class Timing(StrEnum):
    EARLY = "early"  # finished before the appointment day
    ON_TIME = "on_time"  # finished on the appointment day
    LATE = "late"  # finished after it (or more than one supplement request)
    WITHIN = "within"  # still in progress, within the deadline
    PAST = "past"  # still in progress, past the deadline


def is_late(due: date, clock: date, supplement_count: int, rule: str = "national") -> bool:
    """Say whether a clock that stopped (or is read) on `clock` is past the `due` date."""
    return clock > due or (rule == "national" and supplement_count > 1)


def late_clause(clock, rule: str = "national"):
    """Return `is_late` as SQL, `clock` being a date or a date column (reports pass theirs)."""
    late = Dossier.due_date < clock
    return or_(late, Dossier.supplement_count > 1) if rule == "national" else late


def is_overdue(dossier: Dossier, today: date, rule: str = "national") -> bool:
    """Say whether `dossier` is overdue on `today` (finished or not)."""
    if dossier.status not in Status.COUNTED or dossier.due_date is None:
        return False
    return is_late(dossier.due_date, dossier.clock_stopped_on or today, dossier.supplement_count, rule)


def overdue_clause(today: date, rule: str = "national"):
    """Return the SQL condition for `is_overdue` (used by the queue, the digest and reports)."""
    return and_(
        Dossier.status.in_(sorted(Status.COUNTED)),
        Dossier.due_date.is_not(None),
        late_clause(func.coalesce(Dossier.clock_stopped_on, today), rule),
    )


def clock_runs(dossier: Dossier) -> bool:
    """Say whether the processing clock of `dossier` is running now (not paused, not finished)."""
    return (dossier.status in Status.CLOCK_RUNNING and dossier.due_date is not None
            and dossier.clock_stopped_on is None)


def soon_days() -> int:
    """Return how many working days ahead "due soon" looks (DUE_SOON_WORKING_DAYS, default 1)."""
    return int(current_app.config.get("DUE_SOON_WORKING_DAYS", SOON_DAYS))


def soon_limit(today: date, cal: WorkCalendar) -> date:
    """Return the last day that counts as "due soon" from `today`."""
    return cal.add_working_days(today, soon_days())


def is_due_soon(dossier: Dossier, today: date, cal: WorkCalendar) -> bool:
    """Say whether a running dossier is due today or within the next `soon_days()` working days."""
    return (clock_runs(dossier) and dossier.supplement_count <= 1
            and today <= dossier.due_date <= soon_limit(today, cal))


def due_soon_clause(today: date, cal: WorkCalendar):
    """Return the SQL condition for `is_due_soon`."""
    return and_(
        Dossier.status.in_(sorted(Status.CLOCK_RUNNING)),
        Dossier.supplement_count <= 1,
        Dossier.clock_stopped_on.is_(None),
        Dossier.due_date.between(today, soon_limit(today, cal)),
    )


def working_days_late(dossier: Dossier, today: date, cal: WorkCalendar) -> int:
    """Count the working days after the due date up to the day the clock stopped (or today)."""
    if dossier.due_date is None:
        return 0
    return working_days_after(dossier.due_date, dossier.clock_stopped_on or today, cal)


def working_days_left(dossier: Dossier, today: date, cal: WorkCalendar) -> int | None:
    """Count the working days after `today` up to the due date (0: due today).

    None when the clock is not running or the due date has passed (`working_days_late` then).
    """
    if not clock_runs(dossier) or today > dossier.due_date:
        return None
    return working_days_after(today, dossier.due_date, cal)


def timing(dossier: Dossier, today: date) -> Timing | None:
    """Classify a counted dossier for reports: early, on time, late, within or past."""
    if dossier.status not in Status.COUNTED or dossier.due_date is None:
        return None
    finished = dossier.status in Status.FINISHED
    if is_overdue(dossier, today):
        return Timing.LATE if finished else Timing.PAST
    if not finished:
        return Timing.WITHIN
    return Timing.EARLY if (dossier.clock_stopped_on or today) < dossier.due_date else Timing.ON_TIME
