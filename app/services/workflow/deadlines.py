"""Working-day arithmetic for appointment (due) dates.

Rules (DOMAIN.md): counting starts on the working day after the dossier is received; a
dossier received on a day off, or after the procedure's cut-off hour, counts as received
on the next working day. Saturdays, Sundays and the holiday table are days off, except the
weekend days the government declared working days in a swap.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.extensions import db
from app.models.holiday import Holiday

WORKING_HOURS_PER_DAY = 8


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """Say whether the centre is open on `day`."""
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """Return the `count`-th working day after `day`."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day


def load_calendar() -> WorkCalendar:
    """Build the calendar from the editable holiday table."""
    rows = db.session.execute(db.select(Holiday.day, Holiday.is_working_day)).all()
    return WorkCalendar(
        days_off=frozenset(d for d, working in rows if not working),
        extra_working_days=frozenset(d for d, working in rows if working),
    )


def holidays_in(year: int) -> list[Holiday]:
    """The table's days of one year (days off and swapped working days), in date order."""
    return list(db.session.execute(db.select(Holiday).where(
        Holiday.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(Holiday.day)).scalars())


def effective_receipt_day(received: datetime, cutoff_hour: int | None, cal: WorkCalendar) -> date:
    """Return the working day a dossier counts as received (local time in, date out)."""
    day = received.date()
    if not cal.is_working_day(day) or (cutoff_hour is not None and received.hour >= cutoff_hour):
        return cal.next_working_day(day)
    return day


def due_date(
    received: datetime, amount: int, unit: str, cutoff_hour: int | None, cal: WorkCalendar
) -> date:
    """Return the appointment date for a dossier received at local time `received`."""
    start = effective_receipt_day(received, cutoff_hour, cal)
    if unit == "working_day":
        return cal.add_working_days(start, amount)
    if unit == "day":
        due = start + timedelta(days=amount)
        return due if cal.is_working_day(due) else cal.next_working_day(due)
    if unit == "hour":
        # Working hours run on from the receipt day; a part day rounds up to a whole one.
        days = -(-amount // WORKING_HOURS_PER_DAY)
        return cal.add_working_days(start, days)
    raise ValueError(f"unknown time unit {unit!r}")


def extend_by_pause(due: date, paused_working_days: int, cal: WorkCalendar) -> date:
    """Push an appointment date back by the working days the clock was paused."""
    return cal.add_working_days(due, paused_working_days)


def working_days_after(start: date, end: date, cal: WorkCalendar) -> int:
    """Count the working days d with start < d <= end (0 when end is not after start).

    A supplement answered on day `end` counts like a new receipt: the clock resumes the
    working day after, so the days in (request day, answer day] are the paused ones.
    """
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += cal.is_working_day(day)
    return count
