"""The queue: filters in the URL, search, counts per status, due-date order, pages, htmx."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today, utcnow
from app.models import Channel
from app.services import workflow
from app.services.actors import Actor
from app.services.workflow.deadlines import load_calendar
from tests.factories import applicant, make_agency, make_dossier, make_procedure, make_user
from tests.helpers import fresh_client, sign_in
from tests.unit.test_workflow import result_doc


@pytest.fixture
def queue(ctx, client):
    """Two agencies' dossiers in different states; reception signed in."""
    justice = make_procedure()  # agency "Sở Tư pháp", 10 working days
    build = make_procedure(make_agency("000.02.00.H40", "Sở Xây dựng"), code="1.009972",
                           name="Cấp giấy phép xây dựng", processing_time=1)
    rec = make_user("reception")
    dep = Actor.of(make_user("department", agency=justice.agency))
    me = Actor.of(rec)
    d = {
        "new": make_dossier(justice, applicant=applicant(name="Đặng Thị Hồng", phone="0987 654 321")),
        "overdue": make_dossier(justice, applicant=applicant(name="Bùi Văn Muộn")),
        "soon": make_dossier(build, applicant=applicant(name="Hồ Sắp Tới", id_number="001099012345")),
        "refused": make_dossier(build, applicant=applicant(name="Lý Bị Từ Chối")),
        "returned": make_dossier(justice, applicant=applicant(name="Vũ Đã Nhận")),
    }
    workflow.accept(d["overdue"], me, at=utcnow() - timedelta(days=40))
    workflow.accept(d["soon"], me)
    # Due the next working day whatever the hour (after the cut-off the count starts a day later).
    d["soon"].due_date = load_calendar().next_working_day(local_today())
    db.session.commit()
    workflow.refuse(d["refused"], me, "Sai thẩm quyền")
    workflow.accept(d["returned"], me)
    workflow.forward(d["returned"], me)
    workflow.resolve(d["returned"], dep, [result_doc()], "counter")
    workflow.return_result(d["returned"], me, "counter")
    d["counter"] = make_dossier(build, applicant=applicant(name="Quầy Trực Tiếp"),
                                channel=Channel.COUNTER, actor=me.as_tuple())
    sign_in(client, rec)
    return d, justice, build


def codes(html: str) -> list[str]:
    return re.findall(r'class="code">([^<]+)</a>', html)


def test_default_view_shows_open_dossiers_by_due_date_with_counts(client, queue):
    d, *_ = queue
    html = client.get("/staff/").get_data(as_text=True)
    shown = codes(html)
    assert set(shown) == {d[k].code for k in ("new", "overdue", "soon", "counter")}
    by_due = sorted((d[k] for k in ("new", "overdue", "soon", "counter")), key=lambda x: (x.due_date, x.id))
    assert shown == [x.code for x in by_due]
    assert shown[0] == d["overdue"].code
    # Counts per status, and the overdue and nearly due rows marked in words.
    assert re.search(r"Đang xử lý \(tất cả\) <span class=\"n\">4</span>", html)
    assert re.search(r"Mới đăng ký <span class=\"n\">2</span>", html)
    assert re.search(r"Tất cả <span class=\"n\">6</span>", html)
    assert 'class="is-overdue"' in html and "Quá hạn" in html
    assert 'class="is-soon"' in html and "Sắp đến hạn" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("status=3", ["refused"]),
    ("status=10", ["returned"]),
    ("status=all", ["new", "overdue", "soon", "refused", "returned", "counter"]),
    ("overdue=1", ["overdue"]),
    ("soon=1", ["soon"]),
    ("channel=1", ["counter"]),
    ("status=all&channel=2", ["new", "overdue", "soon", "refused", "returned"]),
    ("q=dang thi hong", ["new"]),
    ("q=ĐẶNG THỊ", ["new"]),
    ("q=0987654321", ["new"]),
    ("q=0987 654 321", ["new"]),
    ("q=001099012345", ["soon"]),
    ("status=nonsense&page=-3&channel=9", ["new", "overdue", "soon", "counter"]),  # ignored, not a 422
])
def test_filters(client, queue, query, expected):
    d, *_ = queue
    response = client.get(f"/staff/?{query}")
    assert response.status_code == 200
    assert sorted(codes(response.get_data(as_text=True))) == sorted(d[k].code for k in expected)


def test_search_by_the_day_in_the_code(client, queue):
    d, *_ = queue
    day = d["new"].code.split("-")[-2]  # YYMMDD: every dossier received that day
    assert len(codes(client.get(f"/staff/?q={day}&status=all").get_data(as_text=True))) == 6
    assert codes(client.get("/staff/?q=991231&status=all").get_data(as_text=True)) == []


def test_agency_and_procedure_filters(client, queue):
    d, justice, build = queue
    by_agency = codes(client.get(f"/staff/?agency={build.agency_id}&status=all").get_data(as_text=True))
    assert sorted(by_agency) == sorted(d[k].code for k in ("soon", "refused", "counter"))
    by_proc = codes(client.get(f"/staff/?procedure={justice.id}").get_data(as_text=True))
    assert sorted(by_proc) == sorted(d[k].code for k in ("new", "overdue"))


def test_search_by_code_tail(client, queue):
    d, *_ = queue
    tail = d["soon"].code.split("-", 1)[1]  # e.g. 261127-0003
    assert codes(client.get(f"/staff/?q={tail}").get_data(as_text=True)) == [d["soon"].code]
    assert codes(client.get(f"/staff/?q={d['new'].code.lower()}").get_data(as_text=True)) == [d["new"].code]


def test_department_sees_only_its_agency_whatever_the_url_says(app, queue):
    d, justice, build = queue
    officer = fresh_client(app)
    sign_in(officer, make_user("department", agency=justice.agency))
    html = officer.get(f"/staff/?agency={build.agency_id}&status=all").get_data(as_text=True)
    assert sorted(codes(html)) == sorted(d[k].code for k in ("new", "overdue", "returned"))
    assert 'id="agency"' not in html  # no agency menu for a department officer


def test_htmx_gets_the_fragment_and_the_url_keeps_the_filters(client, queue):
    d, *_ = queue
    full = client.get("/staff/?status=all&q=vu")
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]
    part = client.get("/staff/?status=all&q=vu", headers={"HX-Request": "true", "HX-Target": "queue-results"})
    html = part.get_data(as_text=True)
    assert "<html" not in html and codes(html) == [d["returned"].code]
    assert 'id="status-field" value="all" hx-swap-oob="true"' in html
    # Status tabs and page links carry the other filters along.
    assert re.search(r'href="/staff/\?(status=10&amp;q=vu|q=vu&amp;status=10)"', html)


def test_pagination(client, queue, ctx):
    _d, justice, _b = queue
    for _ in range(30):
        make_dossier(justice)
    first = client.get("/staff/?status=1").get_data(as_text=True)
    assert len(codes(first)) == 25 and "trang 1/2" in first
    assert 'rel="next" href="/staff/?status=1&amp;page=2"' in first
    second = client.get("/staff/?status=1&page=2").get_data(as_text=True)
    assert len(codes(second)) == 7 and not set(codes(first)) & set(codes(second))
    assert len(codes(client.get("/staff/?status=1&page=99").get_data(as_text=True))) == 7  # last page


def test_queue_loads_the_keyboard_module_with_its_help_hidden_until_it_runs(client, queue):
    page = client.get("/staff/").get_data(as_text=True)
    src = re.search(r'<script type="module" src="(/static/js/staff-keys\.js\?v=\w+)"></script>', page)
    assert src, "the queue page does not load staff-keys.js through the hashed asset URL"
    assert re.search(r'<p class="keys-help" data-keys-help hidden>Phím tắt:', page)
    assert 'aria-keyshortcuts="/"' in page
    script = client.get(src.group(1))
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert b'addEventListener("keydown"' in script.data
    # The fragment htmx swaps carries no script: the listener on the document keeps working.
    fragment = client.get("/staff/?status=all", headers={"HX-Request": "true", "HX-Target": "queue-results"})
    assert "<script" not in fragment.get_data(as_text=True)
