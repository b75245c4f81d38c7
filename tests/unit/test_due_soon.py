"""Due soon and past due: one working day ahead, across holidays, with the supplement pause."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Dossier
from app.services import workflow
from app.services.actors import Actor
from app.services.workflow import deadlines, overdue
from app.services.workflow.due_status import LATE, LEFT, PAUSED, TODAY, due_status
from tests.factories import load_test_holidays, make_dossier, make_procedure, make_user
from tests.unit.test_workflow import result_doc

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def setup(ctx):
    load_test_holidays(2026, 2026)
    proc = make_procedure(processing_time=5)
    rec = Actor.of(make_user("reception"))
    dep = Actor.of(make_user("department", agency=proc.agency))
    return proc, rec, dep, deadlines.load_calendar()


def accepted(proc, rec, at) -> Dossier:
    d = make_dossier(proc)
    workflow.accept(d, rec, at=at)
    workflow.forward(d, rec, at=at)
    return d


def soon_by_sql(today, cal) -> set[int]:
    return set(db.session.execute(db.select(Dossier.id).where(overdue.due_soon_clause(today, cal))).scalars())


def test_one_working_day_ahead_skips_the_holidays_and_the_weekend(setup):
    proc, rec, _dep, cal = setup
    # Accepted Wednesday 22/4; 5 working days skip Hùng Kings (observed Monday 27/4) → Monday 4/5.
    d = accepted(proc, rec, utc(2026, 4, 22, 9))
    assert d.due_date == date(2026, 5, 4)
    # Wednesday 29/4: 30/4 and 1/5 are holidays, then the weekend: the next working day is 4/5.
    assert overdue.is_due_soon(d, date(2026, 4, 29), cal) and d.id in soon_by_sql(date(2026, 4, 29), cal)
    assert not overdue.is_due_soon(d, date(2026, 4, 28), cal)
    assert d.id not in soon_by_sql(date(2026, 4, 28), cal)
    assert overdue.is_due_soon(d, date(2026, 5, 4), cal)  # due today
    assert not overdue.is_due_soon(d, date(2026, 5, 5), cal) and overdue.is_overdue(d, date(2026, 5, 5))
    left = due_status(d, date(2026, 4, 28), cal)
    assert (left.state, left.days) == (LEFT, 2)
    assert due_status(d, date(2026, 4, 29), cal).days == 1
    assert due_status(d, date(2026, 5, 4), cal).state == TODAY
    late = due_status(d, date(2026, 5, 6), cal)
    assert (late.state, late.days, late.needs_apology) == (LATE, 2, True)


def test_the_window_is_configurable(setup, app):
    proc, rec, _dep, cal = setup
    d = accepted(proc, rec, utc(2026, 4, 22, 9))  # due 4/5
    app.config["DUE_SOON_WORKING_DAYS"] = 2
    try:
        assert overdue.is_due_soon(d, date(2026, 4, 28), cal) and d.id in soon_by_sql(date(2026, 4, 28), cal)
    finally:
        app.config["DUE_SOON_WORKING_DAYS"] = 1
    assert not overdue.is_due_soon(d, date(2026, 4, 28), cal)


def test_a_supplement_pauses_the_clock_and_pushes_the_due_date(setup):
    proc, rec, dep, cal = setup
    d = accepted(proc, rec, utc(2026, 3, 2, 9))  # 5 working days → Monday 9/3
    assert d.due_date == date(2026, 3, 9)
    workflow.request_supplement(d, dep, "Tờ khai", date(2026, 3, 31), at=utc(2026, 3, 4, 9))
    # Paused: neither soon nor late, whatever the date says.
    for today in (date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 12)):
        assert not overdue.is_due_soon(d, today, cal) and d.id not in soon_by_sql(today, cal)
        assert not overdue.is_overdue(d, today)
        assert due_status(d, today, cal).state == PAUSED
    # Answered Thursday 12/3: 5, 6, 9, 10, 11, 12 were paused → due 9/3 + 6 working days = 17/3.
    workflow.answer_supplement(d, rec, [result_doc()], at=utc(2026, 3, 12, 9))
    assert d.due_date == date(2026, 3, 17)
    left = due_status(d, date(2026, 3, 12), cal)
    assert (left.state, left.days) == (LEFT, 3)
    assert overdue.is_due_soon(d, date(2026, 3, 16), cal) and d.id in soon_by_sql(date(2026, 3, 16), cal)
    assert not overdue.is_due_soon(d, date(2026, 3, 13), cal)
    assert overdue.is_overdue(d, date(2026, 3, 18))
    assert overdue.working_days_late(d, date(2026, 3, 19), cal) == 2


def test_the_day_after_a_friday_due_date_is_late_with_no_working_day_yet(setup):
    proc, rec, _dep, cal = setup
    d = accepted(proc, rec, utc(2026, 3, 6, 9))  # Friday 6/3 + 5 working days → Friday 13/3
    assert d.due_date == date(2026, 3, 13)
    saturday = due_status(d, date(2026, 3, 14), cal)
    assert (saturday.state, saturday.days) == (LATE, 0)
    assert due_status(d, date(2026, 3, 16), cal).days == 1
