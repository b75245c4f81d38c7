"""Deadlines on the pages: queue marks and filters, the citizen's working days left, the apology prompt."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers.apology import apologise
from app.services.workflow import deadlines
from tests.factories import (
    VALID_PHONE,
    applicant,
    load_test_holidays,
    make_dossier,
    make_procedure,
    make_user,
)
from tests.helpers import csrf_token, fresh_client, sign_in


def days_before(today: date, late: int, cal) -> date:
    """The latest day from which `today` is `late` working days on."""
    day = today
    while deadlines.working_days_after(day, today, cal) < late:
        day -= timedelta(days=1)
    return day


@pytest.fixture
def pinned(ctx):
    """Processing dossiers due in 3 working days, tomorrow (working), today, and 2 working days ago.

    The due dates are set after acceptance so the test does not depend on the hour it runs at.
    """
    load_test_holidays(local_today().year - 1, local_today().year + 1)
    cal = deadlines.load_calendar()
    today = local_today()
    proc = make_procedure()
    rec = Actor.of(make_user("reception"))
    due = {"three": cal.add_working_days(today, 3), "next": cal.add_working_days(today, 1),
           "today": today, "late": days_before(today, 2, cal)}
    out = {}
    for i, (name, day) in enumerate(due.items()):
        d = make_dossier(proc, applicant=applicant(name=f"Người {name}", id_number=f"0010990123{i:02d}"))
        workflow.accept(d, rec)
        workflow.forward(d, rec)
        d.due_date = day
        db.session.commit()
        out[name] = d
    return out, proc, rec


def codes(html: str) -> list[str]:
    return re.findall(r'class="code">([^<]+)</a>', html)


def row_of(html: str, code: str) -> str:
    return re.search(rf'<tr class="[^"]*">\s*<td><a href="[^"]+" class="code">{re.escape(code)}</a>.*?</tr>',
                     html, re.S).group(0)


def test_queue_marks_due_soon_and_late_in_words_and_filters_each(app, pinned):
    d, _proc, rec = pinned
    client = fresh_client(app)
    sign_in(client, make_user("reception", email="quay2@example.vn"))
    html = client.get("/staff/").get_data(as_text=True)
    assert "Sắp đến hạn (trong 1 ngày làm việc)" in html  # the filter's label says the window
    for name in ("next", "today"):
        row = row_of(html, d[name].code)
        assert 'class="is-soon"' in row and "Sắp đến hạn" in row and "Quá hạn" not in row
    late = row_of(html, d["late"].code)
    assert 'class="is-overdue"' in late and "Quá hạn" in late
    three = row_of(html, d["three"].code)
    assert "Sắp đến hạn" not in three and "Quá hạn" not in three
    assert sorted(codes(client.get("/staff/?soon=1").get_data(as_text=True))) == sorted(
        [d["next"].code, d["today"].code])
    assert codes(client.get("/staff/?overdue=1").get_data(as_text=True)) == [d["late"].code]


def test_the_window_follows_the_setting(app, pinned):
    d, *_ = pinned
    app.config["DUE_SOON_WORKING_DAYS"] = 3
    try:
        client = fresh_client(app)
        sign_in(client, make_user("reception", email="quay3@example.vn"))
        html = client.get("/staff/?soon=1").get_data(as_text=True)
        assert "Sắp đến hạn (trong 3 ngày làm việc)" in html
        assert sorted(codes(html)) == sorted(d[k].code for k in ("three", "next", "today"))
    finally:
        app.config["DUE_SOON_WORKING_DAYS"] = 1


def status_page(app, dossier) -> str:
    client = fresh_client(app)
    token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
    form = {"csrf_token": token, "code": dossier.code, "secret": VALID_PHONE}
    response = client.post("/tra-cuu", data=form, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def due_box(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<div class="due-status.*?</div>', html, re.S).group(0))


def test_status_page_says_the_working_days_left_or_late(app, pinned):
    d, *_ = pinned
    assert "Còn 3 ngày làm việc" in due_box(status_page(app, d["three"]))
    assert "Còn 1 ngày làm việc" in due_box(status_page(app, d["next"]))
    assert "Hạn trả hôm nay" in due_box(status_page(app, d["today"]))
    late = due_box(status_page(app, d["late"]))
    assert "Đã quá hạn 2 ngày làm việc" in late and "thư xin lỗi" not in late


def test_status_page_shows_the_apology_and_its_new_date(app, pinned):
    d, _proc, rec = pinned
    new_date = local_today() + timedelta(days=10)
    apologise(d["late"], rec, new_date, "Chờ ý kiến cơ quan liên quan")
    box = due_box(status_page(app, d["late"]))
    assert "Đã quá hạn 2 ngày làm việc" in box
    assert f"hẹn lại ngày trả kết quả: {new_date:%d/%m/%Y}" in box


def test_status_page_says_the_clock_is_paused_during_a_supplement(app, pinned):
    d, proc, rec = pinned
    workflow.request_supplement(d["three"], Actor.of(make_user("department", agency=proc.agency)),
                                "Tờ khai có chữ ký", local_today() + timedelta(days=10))
    box = due_box(status_page(app, d["three"]))
    assert "Tạm dừng tính thời hạn" in box and "Còn" not in box


def test_dossier_page_prompts_the_apology_once_past_due(app, pinned):
    d, _proc, rec = pinned
    client = fresh_client(app)
    sign_in(client, make_user("reception", email="quay4@example.vn"))
    page = client.get(f"/staff/ho-so/{d['late'].code}").get_data(as_text=True)
    prompt = re.search(r'<section class="callout apology-prompt".*?</section>', page, re.S).group(0)
    assert "Hồ sơ đã quá hạn 2 ngày làm việc" in prompt
    assert 'href="#action-apologise"' in prompt and 'id="action-apologise"' in page
    # Not yet past due: no prompt (the action is still there for a letter sent ahead).
    page = client.get(f"/staff/ho-so/{d['today'].code}").get_data(as_text=True)
    assert "apology-prompt" not in page and 'id="action-apologise"' in page
    # Once the letter is sent with a date still ahead, the prompt goes and the new date shows.
    new_date = local_today() + timedelta(days=10)
    apologise(d["late"], rec, new_date, "Chờ ý kiến cơ quan liên quan")
    page = client.get(f"/staff/ho-so/{d['late'].code}").get_data(as_text=True)
    assert "apology-prompt" not in page and f"{new_date:%d/%m/%Y}" in page


def test_leaders_are_not_prompted_to_do_what_they_cannot(app, pinned):
    d, *_ = pinned
    client = fresh_client(app)
    sign_in(client, make_user("leader", email="lanhdao@example.vn"))
    page = client.get(f"/staff/ho-so/{d['late'].code}").get_data(as_text=True)
    assert "Quá hạn" in page and "apology-prompt" not in page
