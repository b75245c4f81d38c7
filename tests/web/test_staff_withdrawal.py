"""A withdrawal request through the test client: staff stop the dossier or decline the request."""

import re

import pytest

from app.extensions import db
from app.models import Dossier, Status, StatusEvent
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_agency, make_dossier, make_procedure, make_user
from tests.helpers import csrf_token, form_post, fresh_client, sign_in
from tests.web.test_staff_lifecycle import act

SLUG = "khong-chap-nhan-rut"


@pytest.fixture
def withdrawal(app, ctx):
    """A dossier in processing whose applicant asked to withdraw it, and a client per role."""
    proc = make_procedure()
    reception = Actor.of(make_user("reception", name="Trần Thị Tiếp Nhận"))
    dossier = make_dossier(proc)
    workflow.accept(dossier, reception)
    workflow.forward(dossier, reception)
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Nộp nhầm thủ tục")
    other = make_agency(code="000.09.00.H40", name="Sở Y tế")
    users = {"reception": make_user("reception", name="Lê Tiếp Nhận"),
             "department": make_user("department", agency=proc.agency, name="Ngô Văn Sở"),
             "leader": make_user("leader"), "admin": make_user("admin"),
             "other": make_user("department", agency=other)}
    clients = {}
    for role, user in users.items():
        clients[role] = fresh_client(app)
        sign_in(clients[role], user)
    return dossier.code, clients


def current(code: str) -> Dossier:
    return db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()


def event_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(StatusEvent)).scalar_one()


@pytest.mark.parametrize("role", ["reception", "department"])
def test_officer_declines_and_the_dossier_goes_back_to_processing(withdrawal, role):
    code, c = withdrawal
    page = c[role].get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert "Không chấp nhận yêu cầu rút hồ sơ" in page and "Lý do không chấp nhận" in page
    response = act(c[role], code, SLUG, {"note": "Hồ sơ đã có kết quả thẩm định"})
    assert response.status_code == 303
    page = c[role].get(response.location).get_data(as_text=True)
    assert "hồ sơ tiếp tục được giải quyết" in page
    assert "Không chấp nhận yêu cầu rút hồ sơ: Hồ sơ đã có kết quả thẩm định" in page  # timeline
    d = current(code)
    assert d.status == Status.PROCESSING
    last = d.events[-1]
    assert (last.from_status, last.to_status) == (Status.WITHDRAWAL_REQUESTED, Status.PROCESSING)
    assert last.actor_label == ("Lê Tiếp Nhận" if role == "reception" else "Ngô Văn Sở")


def test_declining_without_a_reason_is_refused_and_changes_nothing(withdrawal):
    code, c = withdrawal
    before = event_count()
    response = act(c["reception"], code, SLUG, {"note": "   "})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vui lòng ghi lý do không chấp nhận yêu cầu rút hồ sơ." in text
    assert "Vui lòng nhập thông tin này." in text  # by the field
    assert current(code).status == Status.WITHDRAWAL_REQUESTED and event_count() == before


@pytest.mark.parametrize(("role", "status"), [("leader", 403), ("admin", 403), ("other", 404)])
def test_who_may_not_decline(withdrawal, role, status):
    code, c = withdrawal
    before = event_count()
    # The form is not on their page (another agency's officer gets no page at all), so they
    # post what an officer's page would carry, with a token from their own queue page.
    response = form_post(c[role], f"/staff/ho-so/{code}/{SLUG}", {"note": "Tiếp tục"})
    assert response.status_code == status
    assert current(code).status == Status.WITHDRAWAL_REQUESTED and event_count() == before


def test_stale_decline_after_a_stop_gets_409(withdrawal):
    code, c = withdrawal
    old = c["reception"].get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert act(c["department"], code, "dung-xu-ly", {"note": "Theo yêu cầu"}).status_code == 303
    drawn = re.search(r'name="version" value="(\d+)"', old).group(1)
    response = c["reception"].post(f"/staff/ho-so/{code}/{SLUG}", data={
        "csrf_token": csrf_token(old), "version": drawn, "note": "Tiếp tục"})
    assert response.status_code == 409
    assert "Hồ sơ đã được thay đổi bởi Ngô Văn Sở" in response.get_data(as_text=True)
    assert current(code).status == Status.STOPPED


def test_declining_is_not_offered_before_a_withdrawal_request(app, ctx):
    proc = make_procedure()
    dossier = make_dossier(proc)
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    page = client.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    assert SLUG not in page
    assert act(client, dossier.code, SLUG, {"note": "Tiếp tục"}).status_code == 409
    assert current(dossier.code).status == Status.SUBMITTED
