"""The report's supplement rounds per 100 dossiers, counted from the supplement requests.

Each request for a supplement made in the period is a round (one more trip or resend for
the applicant), counted for the dossier's department, over the dossiers received in the
period; the online column counts only dossiers filed online, where the photo checks work.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import SupplementRequest
from app.services import workflow
from app.services.actors import Actor
from app.services.reporting import reports
from tests.factories import load_test_holidays, make_agency, make_dossier, make_procedure, make_user
from tests.unit.test_workflow import result_doc

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def march(ctx):
    """Justice: 4 dossiers in March (3 online), 3 rounds in March, 1 in February, 1 in April.
    Construction: 2 dossiers in March at the counter, none asked again. Health: nothing."""
    load_test_holidays(2026, 2026)
    justice = make_procedure(make_agency("000.01.00.H40", "Sở Tư pháp"), processing_time=10)
    building = make_procedure(make_agency("000.02.00.H40", "Sở Xây dựng"), code="1.009972")
    make_agency("000.03.00.H40", "Sở Y tế")
    rec = Actor.of(make_user("reception"))
    dep = Actor.of(make_user("department", agency=justice.agency))

    def accepted(proc, at, channel=2):
        d = make_dossier(proc, channel=channel)
        workflow.accept(d, rec, at=at)
        workflow.forward(d, rec, at=at)
        return d

    february = accepted(justice, utc(2026, 2, 23, 9))
    workflow.request_supplement(february, dep, "Tờ khai", date(2026, 3, 6), at=utc(2026, 2, 26, 9))  # before
    workflow.answer_supplement(february, Actor.citizen(february), [result_doc()], at=utc(2026, 3, 2, 9))
    workflow.request_supplement(february, dep, "Ảnh chụp rõ hơn", date(2026, 3, 13), at=utc(2026, 3, 3, 9))

    blurred = accepted(justice, utc(2026, 3, 2, 9))  # asked twice in March
    workflow.request_supplement(blurred, dep, "Ảnh căn cước bị mờ", date(2026, 3, 10), at=utc(2026, 3, 3, 10))
    workflow.answer_supplement(blurred, Actor.citizen(blurred), [result_doc()], at=utc(2026, 3, 5, 9))
    workflow.request_supplement(blurred, dep, "Ảnh vẫn mờ", date(2026, 3, 16), at=utc(2026, 3, 9, 10))

    accepted(justice, utc(2026, 3, 4, 9))
    late = accepted(justice, utc(2026, 3, 30, 9), channel=1)  # at the counter; asked in April
    workflow.request_supplement(late, dep, "Bản sao", date(2026, 4, 10), at=utc(2026, 4, 1, 9))
    accepted(justice, utc(2026, 3, 31, 9))
    for day in (10, 11):
        accepted(building, utc(2026, 3, day, 9), channel=1)
    db.session.commit()


def test_rounds_per_100_dossiers_per_department_and_in_total(march):
    assert db.session.scalar(db.select(db.func.count()).select_from(SupplementRequest)) == 5
    report = reports.build(*MARCH)
    rows = {r.name: r for r in report.rows}
    justice, building, health = rows["Sở Tư pháp"], rows["Sở Xây dựng"], rows["Sở Y tế"]

    # 3 rounds asked in March (one on a February dossier) over 4 received in March.
    assert (justice.rounds, justice.rounds_online) == (3, 3)
    assert justice.counts["received_online"] + justice.counts["received_counter_post"] == 4
    assert justice.rounds_per_100() == 75.0
    assert justice.rounds_per_100(online=True) == 100.0  # 3 over the 3 filed online
    assert (building.rounds, building.rounds_per_100()) == (0, 0.0)
    assert building.rounds_per_100(online=True) is None  # none filed online
    assert (health.rounds, health.rounds_per_100()) == (0, None)  # nothing received: no figure

    total = report.total
    assert (total.rounds, total.rounds_online) == (3, 3)
    assert total.rounds_per_100() == 50.0  # 3 over 6
    assert total.rounds_per_100(online=True) == 100.0


def test_the_months_around_count_their_own_rounds(march):
    february = reports.build(date(2026, 2, 1), date(2026, 2, 28))
    april = reports.build(date(2026, 4, 1), date(2026, 4, 30))
    assert (february.total.rounds, february.total.rounds_per_100()) == (1, 100.0)
    # April: one round, on a counter dossier of March, and nothing received in April.
    assert (april.total.rounds, april.total.rounds_online, april.total.rounds_per_100()) == (1, 0, None)


def test_the_report_page_shows_the_figure(march, app):
    from tests.helpers import fresh_client, sign_in

    client = fresh_client(app)
    sign_in(client, make_user("leader"))
    page = client.get("/staff/bao-cao", query_string={"thang": "2026-03"}).get_data(as_text=True)
    assert "Yêu cầu bổ sung trên 100 hồ sơ" in page
    assert "3 lượt; 50.0 lượt trên 100 hồ sơ tiếp nhận trong kỳ (hồ sơ trực tuyến: 100.0)" in page
    assert "<td>4</td><td>3</td>\n      <td>75.0</td><td>100.0</td>" in page
