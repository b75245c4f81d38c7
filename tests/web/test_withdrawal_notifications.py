"""A declined withdrawal tells the applicant so, once, instead of repeating an earlier message."""

import pytest

from app.extensions import db
from app.models import Status
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.messaging.delivery import deliver_batch
from tests.factories import VALID_ID, VALID_PHONE, make_dossier, make_procedure, make_user
from tests.helpers import fresh_client, sign_in
from tests.web.test_notifications import queued
from tests.web.test_staff_lifecycle import act


@pytest.fixture
def reception(ctx):
    return Actor.of(make_user("reception", name="Lê Tiếp Nhận"))


def events() -> list[str]:
    return [n.event for n in queued()]


def test_declined_withdrawal_sends_its_own_message_once(app, smtp, reception):  # noqa: F811
    inbox, _controller = smtp
    dossier = make_dossier(make_procedure())
    workflow.accept(dossier, reception)
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Nộp nhầm")
    workflow.decline_withdrawal(dossier, reception, "  Hồ sơ đã được thẩm định xong  ")
    assert dossier.status == Status.ACCEPTED
    assert events() == ["received", "accepted", "withdrawal_declined"]  # not a second "accepted"
    assert deliver_batch() == (6, 0)  # each by e-mail and SMS
    declined = inbox.messages[-1]
    assert declined["Subject"] == f"Yêu cầu rút hồ sơ {dossier.code} không được chấp nhận"
    body = declined.get_content()
    assert "Lý do: Hồ sơ đã được thẩm định xong\n" in body  # the reason alone, trimmed
    assert "trạng thái hiện tại: Được tiếp nhận" in body
    assert dossier.due_date.strftime("%d/%m/%Y") in body
    assert f"/tra-cuu?ma={dossier.code}" in body
    assert VALID_ID not in body and VALID_PHONE not in body and "Lê Lợi" not in body
    assert "Nguyễn Văn An" not in body and "Lê Tiếp Nhận" not in body
    assert deliver_batch() == (0, 0)  # nothing is sent twice


def test_each_declined_request_is_its_own_message(reception):
    dossier = make_dossier(make_procedure())
    citizen = Actor.citizen(dossier)
    for reason in ("Lần một", "Lần hai"):
        workflow.request_withdrawal(dossier, citizen, "Rút")
        workflow.decline_withdrawal(dossier, reception, reason)
    assert dossier.status == Status.SUBMITTED
    bodies = [n.body for n in queued()]
    assert events() == ["received", "withdrawal_declined", "withdrawal_declined"]
    assert "Lý do: Lần một" in bodies[1] and "Lý do: Lần hai" in bodies[2]


def test_stopping_or_a_refused_decline_queues_no_such_message(reception):
    dossier = make_dossier(make_procedure())
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Rút")
    with pytest.raises(Invalid):
        workflow.decline_withdrawal(dossier, reception, "   ")
    db.session.rollback()
    assert events() == ["received"]
    workflow.stop(dossier, reception, "Theo yêu cầu")
    assert dossier.status == Status.STOPPED and "withdrawal_declined" not in events()


def test_declining_from_the_dossier_page_queues_the_message(app, ctx):
    dossier = make_dossier(make_procedure())
    officer = make_user("reception")
    workflow.accept(dossier, Actor.of(officer))
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Rút")
    client = fresh_client(app)
    sign_in(client, officer)
    assert act(client, dossier.code, "khong-chap-nhan-rut", {"note": "   "}).status_code == 422
    assert events() == ["received", "accepted"]
    assert act(client, dossier.code, "khong-chap-nhan-rut", {"note": "Đã thẩm định"}).status_code == 303
    [declined] = [n for n in queued() if n.event == "withdrawal_declined"]
    assert "Lý do: Đã thẩm định" in declined.body and declined.recipient == "an@example.vn"
