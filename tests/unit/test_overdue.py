"""Overdue: the DOMAIN.md counting rules, and the SQL form agreeing with the Python one."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Dossier, Status
from app.services import workflow
from app.services.actors import Actor
from app.services.workflow import deadlines, overdue
from app.services.workflow.overdue import Timing
from tests.factories import load_test_holidays, make_dossier, make_procedure, make_user
from tests.unit.test_workflow import result_doc

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def made(ctx):
    """Dossiers in the situations the rules distinguish; all due Monday 16/3/2026."""
    load_test_holidays(2026, 2026)
    proc = make_procedure()  # 10 working days
    rec = Actor.of(make_user("reception"))
    dep = Actor.of(make_user("department", agency=proc.agency))

    def accepted() -> Dossier:
        d = make_dossier(proc)
        workflow.accept(d, rec, at=utc(2026, 3, 2, 9))
        workflow.forward(d, rec, at=utc(2026, 3, 2, 10))
        assert d.due_date == date(2026, 3, 16)
        return d

    def resolved_on(day: int) -> Dossier:
        d = accepted()
        workflow.resolve(d, dep, [result_doc()], "counter", at=utc(2026, 3, day, 14))
        return d

    out = {"running": accepted(), "early": resolved_on(13), "on_time": resolved_on(16),
           "late": resolved_on(17)}
    out["returned_late"] = resolved_on(18)
    workflow.return_result(out["returned_late"], rec, "counter", at=utc(2026, 3, 19, 9))
    out["paused_in_time"] = accepted()
    workflow.request_supplement(out["paused_in_time"], dep, "Tờ khai", date(2026, 4, 1),
                                at=utc(2026, 3, 4, 9))
    out["paused_when_late"] = accepted()
    workflow.request_supplement(out["paused_when_late"], dep, "Tờ khai", date(2026, 4, 1),
                                at=utc(2026, 3, 18, 9))
    out["two_supplements"] = accepted()
    for at in (utc(2026, 3, 3, 9), utc(2026, 3, 5, 9)):
        workflow.request_supplement(out["two_supplements"], dep, "Tờ khai", date(2026, 4, 1), at=at)
        workflow.answer_supplement(out["two_supplements"], rec, [result_doc()], at=at)
    out["submitted"] = make_dossier(proc, received=utc(2026, 1, 5, 9))  # never accepted
    out["refused"] = make_dossier(proc, received=utc(2026, 1, 5, 9))
    workflow.refuse(out["refused"], rec, "Sai thẩm quyền", at=utc(2026, 1, 5, 10))
    return out


def overdue_by_sql(today: date, rule: str = "national") -> set[int]:
    clause = overdue.overdue_clause(today, rule)
    return set(db.session.execute(db.select(Dossier.id).where(clause)).scalars())


LATE_ON_19_MARCH = {"running", "late", "returned_late", "paused_when_late", "two_supplements"}


@pytest.mark.parametrize("today", [date(2026, 3, 19), date(2026, 3, 30), date(2027, 1, 4)])
def test_who_is_overdue_after_the_due_date(made, today):
    by_python = {name for name, d in made.items() if overdue.is_overdue(d, today)}
    assert by_python == LATE_ON_19_MARCH
    # The queue filters with the SQL form: it must pick exactly the same dossiers.
    assert overdue_by_sql(today) == {made[name].id for name in LATE_ON_19_MARCH}


@pytest.mark.parametrize("today", [date(2026, 3, 19), date(2027, 1, 4)])
def test_the_centre_rule_counts_dates_only_in_both_forms(made, today):
    # "centre" compares dates only: two supplement requests alone do not make a dossier late.
    by_python = {name for name, d in made.items() if overdue.is_overdue(d, today, "centre")}
    assert by_python == LATE_ON_19_MARCH  # every one of these is late by its dates as well
    assert overdue_by_sql(today, "centre") == {made[name].id for name in by_python}


def test_two_supplement_requests_are_late_only_under_the_national_rule():
    due = date(2026, 3, 16)
    assert overdue.is_late(due, due, 2, "national") and not overdue.is_late(due, due, 2, "centre")
    assert overdue.is_late(due, date(2026, 3, 17), 0, "centre")
    assert not overdue.is_late(due, due, 1, "national")


@pytest.mark.parametrize(("today", "late"), [
    (date(2026, 3, 13), False), (date(2026, 3, 16), False), (date(2026, 3, 17), True)])
def test_a_running_dossier_is_late_from_the_day_after_its_due_date(made, today, late):
    running = made["running"]
    assert overdue.is_overdue(running, today) is late
    assert (running.id in overdue_by_sql(today)) is late


def test_paused_clock_is_not_overdue_while_the_citizen_supplements(made):
    paused = made["paused_in_time"]
    assert paused.status == Status.SUPPLEMENT and paused.clock_stopped_on == date(2026, 3, 4)
    assert not overdue.is_overdue(paused, date(2026, 12, 31))


def test_timing_for_reports(made):
    today = date(2026, 3, 19)
    assert {name: overdue.timing(d, today) for name, d in made.items()} == {
        "running": Timing.PAST, "early": Timing.EARLY, "on_time": Timing.ON_TIME, "late": Timing.LATE,
        "returned_late": Timing.LATE, "paused_in_time": Timing.WITHIN, "paused_when_late": Timing.PAST,
        "two_supplements": Timing.PAST, "submitted": None, "refused": None,
    }


def test_due_soon_means_today_or_the_next_working_day(made):
    cal = deadlines.load_calendar()
    running = made["running"]  # due Monday 16/3
    # Friday 13/3: Monday 16 is the next working day; on Thursday 12/3 it is two away.
    assert overdue.is_due_soon(running, date(2026, 3, 13), cal)
    assert not overdue.is_due_soon(running, date(2026, 3, 12), cal)
    assert overdue.is_due_soon(running, date(2026, 3, 16), cal)
    assert not overdue.is_due_soon(running, date(2026, 3, 17), cal)  # overdue now, not "soon"
    for today in (date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 16)):
        by_sql = set(db.session.execute(
            db.select(Dossier.id).where(overdue.due_soon_clause(today, cal))).scalars())
        by_python = {d.id for d in made.values() if overdue.is_due_soon(d, today, cal)}
        assert by_sql == by_python
