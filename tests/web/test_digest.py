"""The daily deadline digest: per department, once a day, through the outbox and a real SMTP server."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.lib.time import VN, local_today, utcnow
from app.models import Notification
from app.services import workflow
from app.services.actors import Actor
from app.services.reporting import digest
from app.services.workflow import deadlines
from tests.factories import (
    applicant,
    load_test_holidays,
    make_agency,
    make_dossier,
    make_procedure,
    make_user,
)
from tests.unit.test_workflow import result_doc
from tests.web.test_deadline_pages import days_before


@pytest.fixture
def depts(ctx):
    """Two departments with dossiers due soon or late, a third with nothing due; their officers."""
    today = local_today()
    load_test_holidays(today.year - 1, today.year + 1)
    cal = deadlines.load_calendar()
    justice = make_procedure()
    build = make_procedure(make_agency("000.02.00.H40", "Sở Xây dựng"), code="1.009972",
                           name="Cấp giấy phép xây dựng")
    quiet = make_procedure(make_agency("000.03.00.H40", "Sở Y tế"), code="1.001", name="Thủ tục y tế")
    rec = Actor.of(make_user("reception"))

    def running(proc, due, n):
        d = make_dossier(proc, applicant=applicant(name=f"Người {n}", id_number=f"0010990120{n:02d}"))
        workflow.accept(d, rec)
        workflow.forward(d, rec)
        d.due_date = due  # pinned: the test must not depend on the hour it runs at
        db.session.commit()
        return d

    d = {
        "soon": running(justice, cal.add_working_days(today, 1), 1),
        "late": running(justice, days_before(today, 2, cal), 2),
        "later": running(justice, cal.add_working_days(today, 4), 3),
        "build_late": running(build, days_before(today, 1, cal), 4),
        "quiet_later": running(quiet, cal.add_working_days(today, 5), 5),
    }
    finished = running(justice, days_before(today, 3, cal), 6)
    officer = make_user("department", agency=justice.agency, email="tuphap0@example.vn")
    workflow.resolve(finished, Actor.of(officer), [result_doc()], "counter")
    d["finished_late"] = finished
    people = {
        "justice": [officer, *(make_user("department", agency=justice.agency, email=f"tuphap{i}@example.vn")
                               for i in (1, 2))],
        "build": [make_user("department", agency=build.agency, email="xaydung@example.vn")],
        "quiet": [make_user("department", agency=quiet.agency, email="yte@example.vn")],
        "inactive": [make_user("department", agency=justice.agency, email="nghi@example.vn", active=False)],
        "reception": [make_user("reception", email="quay@example.vn")],
    }
    return d, people, today


OFFICERS = {"tuphap0@example.vn", "tuphap1@example.vn", "tuphap2@example.vn", "xaydung@example.vn"}


def digests() -> list[Notification]:
    return list(db.session.execute(db.select(Notification).filter_by(event=digest.KIND)
                                   .order_by(Notification.id)).scalars())


def test_each_department_hears_only_of_its_own_dossiers(depts):
    d, people, today = depts
    assert digest.queue_digests(today) == 4  # three officers of justice (not the inactive one), one of build
    by_recipient = {n.recipient: n for n in digests()}
    assert set(by_recipient) == OFFICERS
    note = by_recipient["tuphap1@example.vn"]
    assert note.channel == "email" and note.dossier_id is None
    assert note.subject == f"Hồ sơ sắp đến hạn và quá hạn ngày {today:%d/%m/%Y} — Sở Tư pháp"
    body = note.body
    soon_part, late_part = body.split("Quá hạn: ")
    assert "Sắp đến hạn (trong 1 ngày làm việc): 1 hồ sơ" in soon_part
    assert f"- {d['soon'].code} · Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam · hạn trả " \
           f"{d['soon'].due_date:%d/%m/%Y}" in soon_part
    assert late_part.startswith("1 hồ sơ")
    assert re.search(rf"- {re.escape(d['late'].code)} · .* · hạn trả {d['late'].due_date:%d/%m/%Y} · "
                     r"quá 2 ngày làm việc", late_part)
    for other in ("later", "build_late", "quiet_later", "finished_late"):
        assert d[other].code not in body
    build_body = by_recipient["xaydung@example.vn"].body
    assert d["build_late"].code in build_body and "quá 1 ngày làm việc" in build_body
    assert d["late"].code not in build_body and d["soon"].code not in build_body
    assert "Hàng đợi hồ sơ: http" in body


def test_queued_once_a_day_by_hand_twice(depts, runner):
    _d, _people, today = depts
    first = runner.invoke(args=["digest", "--date", today.isoformat()])
    assert first.exit_code == 0 and "4 digest messages queued" in first.output, first.output
    again = runner.invoke(args=["digest", "--date", today.isoformat()])
    assert again.exit_code == 0 and "0 digest messages queued" in again.output
    assert len(digests()) == 4
    # The next day is a new digest (dates move: the same dossiers, one more day late).
    runner.invoke(args=["digest", "--date", (today + timedelta(days=1)).isoformat()])
    assert len(digests()) == 8


def test_a_bad_date_is_refused_and_queues_nothing(depts, runner):
    result = runner.invoke(args=["digest", "--date", "2026-13-45"])
    assert result.exit_code == 2 and "--date" in result.output and digests() == []


def test_the_worker_queues_it_from_the_configured_hour_once(depts, app):
    _d, _people, today = depts
    app.config["DIGEST_HOUR"] = 7
    early = datetime(today.year, today.month, today.day, 6, 59, tzinfo=VN)
    assert digest.queue_if_due(None, early) is None and digests() == []
    seven = datetime(today.year, today.month, today.day, 0, 0, tzinfo=UTC)  # 07:00 in Vietnam
    assert digest.queue_if_due(None, seven) == today and len(digests()) == 4
    # The next loops of the same worker cost nothing; another worker (or a restart) queues nothing more.
    assert digest.queue_if_due(today, seven + timedelta(hours=3)) == today
    assert digest.queue_if_due(None, seven + timedelta(hours=5)) == today and len(digests()) == 4


def test_worker_delivers_the_digest_through_smtp(depts, runner, app, smtp):  # noqa: F811
    inbox, _ = smtp
    d, _people, today = depts
    # The applicants' acknowledgements are not what this test is about.
    db.session.execute(update(Notification).values(sent_at=utcnow()))
    db.session.commit()
    app.config.update(SMS_GATEWAY="", DIGEST_HOUR=0)  # due now, whatever the hour the test runs
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    mails = {m["To"]: m for m in inbox.messages}
    assert set(mails) == OFFICERS
    assert mails["tuphap2@example.vn"]["Subject"].startswith("Hồ sơ sắp đến hạn và quá hạn")
    text = mails["tuphap2@example.vn"].get_content()
    assert d["soon"].code in text and d["late"].code in text and d["build_late"].code not in text
    assert all(n.sent_at is not None for n in digests())
    result = runner.invoke(args=["worker", "--once"])  # a second run: nothing new to say today
    assert len(inbox.messages) == 4
