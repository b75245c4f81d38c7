"""Appointment dates: working days, weekends, Vietnamese holidays (Tết), cut-off hours."""

from datetime import date, datetime

import holidays
import pytest

from app.extensions import db
from app.models import Holiday
from app.services.catalogue.seed import load_holidays
from app.services.workflow import deadlines
from app.services.workflow.deadlines import WorkCalendar, due_date, load_calendar


def vn_calendar(*years: int) -> WorkCalendar:
    vn = holidays.country_holidays("VN", years=years)
    return WorkCalendar(frozenset(vn), frozenset(d for d in vn.weekend_workdays if d.year in years))


CAL = vn_calendar(2026, 2027)


def test_counting_starts_the_next_working_day():
    # Monday 9:00, 1 working day → Tuesday.
    assert due_date(datetime(2026, 3, 2, 9), 1, "working_day", None, CAL) == date(2026, 3, 3)


def test_weekend_is_skipped():
    # Thursday + 3 working days → Friday, Monday, Tuesday.
    assert due_date(datetime(2026, 3, 5, 9), 3, "working_day", None, CAL) == date(2026, 3, 10)


def test_received_on_saturday_counts_from_monday():
    assert due_date(datetime(2026, 3, 7, 9), 1, "working_day", None, CAL) == date(2026, 3, 10)


def test_cut_off_hour_moves_receipt_to_next_working_day():
    before = due_date(datetime(2026, 3, 6, 14, 59), 1, "working_day", 15, CAL)
    after = due_date(datetime(2026, 3, 6, 15, 0), 1, "working_day", 15, CAL)
    assert before == date(2026, 3, 9)  # Friday before 15:00 → Monday
    assert after == date(2026, 3, 10)  # Friday at 15:00 → counts from Monday → Tuesday


def test_across_tet_2026():
    # Tết 2026: Mon 16/2 to Fri 20/2 are days off. Received Fri 13/2, 3 working days.
    assert due_date(datetime(2026, 2, 13, 9), 3, "working_day", None, CAL) == date(2026, 2, 25)


def test_across_tet_2027():
    # Tết 2027: Thu 4/2 to Wed 10/2 off. Received Wed 3/2, 2 working days → Thu 11/2, Fri 12/2.
    assert due_date(datetime(2027, 2, 3, 9), 2, "working_day", None, CAL) == date(2027, 2, 12)


def test_swapped_saturday_is_a_working_day():
    # 2026: Monday 31/8 is off in exchange for Saturday 22/8, which is worked.
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 31))
    # Friday 21/8 + 1 working day → Saturday 22/8.
    assert due_date(datetime(2026, 8, 21, 9), 1, "working_day", None, CAL) == date(2026, 8, 22)


def test_calendar_days_landing_on_a_holiday_move_to_next_working_day():
    # Received Mon 26/1/2026 + 21 calendar days = Mon 16/2 (Tết) → first working day after.
    assert due_date(datetime(2026, 1, 26, 9), 21, "day", None, CAL) == date(2026, 2, 23)


def test_working_hours_round_up_to_working_days():
    assert due_date(datetime(2026, 3, 2, 9), 4, "hour", None, CAL) == date(2026, 3, 3)
    assert due_date(datetime(2026, 3, 2, 9), 16, "hour", None, CAL) == date(2026, 3, 4)


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError):
        due_date(datetime(2026, 3, 2, 9), 1, "fortnight", None, CAL)


def test_holiday_table_seeded_from_package_and_editable(ctx):
    added = load_holidays(2026, 2026)
    assert added == len(holidays.country_holidays("VN", years=2026)) + 1  # + swapped Saturday
    assert load_holidays(2026, 2026) == 0  # seeding twice adds nothing
    cal = load_calendar()
    assert not cal.is_working_day(date(2026, 2, 17))
    # An admin declares an extra day off (a provincial decision) and it is honoured at once.
    db.session.add(Holiday(day=date(2026, 3, 3), name="Nghỉ bù", is_working_day=False))
    db.session.commit()
    assert deadlines.due_date(datetime(2026, 3, 2, 9), 1, "working_day", None, load_calendar()) \
        == date(2026, 3, 4)
