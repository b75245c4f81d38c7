"""Mẫu 04: an apology with a new date, on the timeline and to the applicant."""

from datetime import timedelta

from app.extensions import db
from app.lib.time import local_today
from app.models import Notification, StatusEvent
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_dossier, make_procedure, make_user
from tests.helpers import form_post, fresh_client, sign_in


def accepted(ctx_app):
    dossier = make_dossier(make_procedure())
    workflow.accept(dossier, Actor("user", "reception", None, "Cán bộ"))
    return dossier


def test_reception_sends_an_apology_with_a_new_date(app, ctx):
    dossier = accepted(app)
    due = dossier.due_date
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    page = client.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    assert "Gửi thư xin lỗi, hẹn lại ngày trả" in page
    new_date = due + timedelta(days=7)
    response = form_post(client, f"/staff/ho-so/{dossier.code}/xin-loi", {
        "new_date": new_date.isoformat(), "note": "Chờ ý kiến cơ quan liên quan",
        "version": str(dossier.version)})
    assert response.status_code == 303
    db.session.refresh(dossier)
    assert dossier.due_date == due  # counting still uses the original appointment
    last = db.session.execute(db.select(StatusEvent).order_by(StatusEvent.id.desc())).scalars().first()
    assert new_date.strftime("%d/%m/%Y") in last.note and last.from_status == last.to_status
    letter = db.session.execute(
        db.select(Notification).filter_by(event="apology", channel="email")).scalar_one()
    assert "xin lỗi" in letter.body and new_date.strftime("%d/%m/%Y") in letter.body
    assert "Chờ ý kiến cơ quan liên quan" in letter.body


def test_apology_needs_a_later_date_and_a_reason(app, ctx):
    dossier = accepted(app)
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    response = form_post(client, f"/staff/ho-so/{dossier.code}/xin-loi", {
        "new_date": local_today().isoformat(), "note": "", "version": str(dossier.version)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày hẹn mới phải sau ngày hẹn hiện tại" in html and "Vui lòng ghi lý do chậm trễ." in html
    assert db.session.execute(db.select(Notification).filter_by(event="apology")).first() is None


def test_no_apology_before_acceptance_or_by_leaders(app, ctx):
    dossier = make_dossier(make_procedure())
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    later = (local_today() + timedelta(days=30)).isoformat()
    response = form_post(client, f"/staff/ho-so/{dossier.code}/xin-loi",
                         {"new_date": later, "note": "x"})
    assert response.status_code == 409
    workflow.accept(dossier, Actor("user", "reception", None, "Cán bộ"))
    leader = fresh_client(app)
    sign_in(leader, make_user("leader"))
    response = form_post(leader, f"/staff/ho-so/{dossier.code}/xin-loi", {"new_date": later, "note": "x"})
    assert response.status_code == 403
    assert db.session.execute(db.select(Notification).filter_by(event="apology")).first() is None
