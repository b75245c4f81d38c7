"""The report's period: the last full month by default, a month picker, bad input told plainly."""

from datetime import date

import pytest

from tests.factories import make_user
from tests.helpers import fresh_client, sign_in


@pytest.fixture
def leader(app, ctx):
    client = fresh_client(app)
    sign_in(client, make_user("leader"))
    return client


def _today(monkeypatch, day: date) -> None:
    monkeypatch.setattr("app.staff.reports.local_today", lambda: day)


def test_by_default_the_last_full_month(leader, monkeypatch):
    _today(monkeypatch, date(2026, 3, 10))
    page = leader.get("/staff/bao-cao").get_data(as_text=True)
    assert "Kỳ báo cáo: 01/02/2026 – 28/02/2026" in page
    assert 'type="month"' in page and 'value="2026-02"' in page and 'max="2026-03"' in page
    assert "/staff/bao-cao.csv?tu=2026-02-01&amp;den=2026-02-28" in page  # downloads follow the page


def test_in_january_the_default_is_last_december(leader, monkeypatch):
    _today(monkeypatch, date(2027, 1, 1))
    assert "01/12/2026 – 31/12/2026" in leader.get("/staff/bao-cao").get_data(as_text=True)


@pytest.mark.parametrize(("month", "shown"), [("2026-10", "01/10/2026 – 31/10/2026"),
                                               ("2024-02", "01/02/2024 – 29/02/2024")])
def test_a_month_picked(leader, month, shown):
    answer = leader.get("/staff/bao-cao", query_string={"thang": month})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert shown in page and f'value="{month}"' in page


def test_any_period_still_works(leader):
    page = leader.get("/staff/bao-cao", query_string={"tu": "2026-01-05", "den": "2026-01-20"})
    body = page.get_data(as_text=True)
    assert "05/01/2026 – 20/01/2026" in body
    assert 'id="thang" name="thang" type="month" value=""' in body  # not a whole month


@pytest.mark.parametrize("args", [{"thang": "2026-13"}, {"thang": "thang-muoi"}, {"thang": "9999-12"},
                                  {"thang": "0000-01"}, {"tu": "2026-02-30"}, {"den": "ngay-mai"}])
def test_a_bad_period_is_told_and_the_default_shown(leader, monkeypatch, args):
    _today(monkeypatch, date(2026, 3, 10))
    answer = leader.get("/staff/bao-cao", query_string=args)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Kỳ báo cáo không hợp lệ" in page and 'role="alert"' in page
    assert "01/02/2026 – 28/02/2026" in page
    assert leader.get("/staff/bao-cao.csv", query_string=args).status_code == 400


@pytest.mark.parametrize("args", [{"tu": "9999-01-01", "den": "9999-12-31"}, {"tu": "0001-01-01"},
                                  {"tu": "1999-12-31", "den": "2000-01-31"}, {"thang": "2099-01"}])
def test_far_dates_are_refused_not_a_crash(leader, args):
    answer = leader.get("/staff/bao-cao", query_string=args)
    assert answer.status_code == 422 and "Kỳ báo cáo không hợp lệ" in answer.get_data(as_text=True)
