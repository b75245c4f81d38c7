"""What a person is told about a dossier's deadline: working days left, due today, or late.

Read from the one rule in services/overdue.py (working days skip weekends and the holiday
table; the clock pauses during a supplement), for the citizen's status page and the staff
dossier page alike.
"""

from dataclasses import dataclass
from datetime import date

from app.models import Dossier, Status
from app.services.dossiers import apology
from app.services.workflow import overdue
from app.services.workflow.deadlines import WorkCalendar

LEFT, TODAY, LATE, PAUSED = "left", "today", "late", "paused"


@dataclass(frozen=True)
class DueStatus:
    state: str = ""  # LEFT, TODAY, LATE, PAUSED, or "" when no deadline runs
    days: int = 0  # working days left (LEFT) or late (LATE)
    new_date: date | None = None  # the new date of the apology letter (Mẫu 04), if one was sent
    today: date | None = None

    @property
    def needs_apology(self) -> bool:
        """Past due with no apology, or past the apology's new date too."""
        return self.state == LATE and (self.new_date is None or self.new_date < self.today)


def due_status(dossier: Dossier, today: date, cal: WorkCalendar) -> DueStatus:
    """Say where `dossier` stands against its due date on `today`."""
    if dossier.status == Status.SUPPLEMENT and dossier.due_date is not None:
        return DueStatus(PAUSED, today=today)
    left = overdue.working_days_left(dossier, today, cal)
    if left is not None:
        return DueStatus(TODAY if left == 0 else LEFT, left, apology.latest_new_date(dossier), today)
    if overdue.clock_runs(dossier):
        return DueStatus(LATE, overdue.working_days_late(dossier, today, cal),
                         apology.latest_new_date(dossier), today)
    return DueStatus(today=today)
