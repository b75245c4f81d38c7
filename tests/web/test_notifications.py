"""Notifications: queued with the change, delivered by the worker over real SMTP on loopback."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.lib.time import utcnow
from app.models.notification import Notification
from app.services.messaging import notifications
from app.services.messaging.delivery import claim, deliver_batch
from tests.factories import VALID_ID, make_dossier, make_procedure
from tests.mailbox import Inbox, free_port


@pytest.fixture
def email_only(app):
    """No SMS: for tests about the SMTP side of the worker."""
    app.config["SMS_GATEWAY"] = ""


@pytest.fixture
def dossier(ctx):
    """A submitted dossier whose acknowledgement (test_messaging.py) is out of the way."""
    made = make_dossier(make_procedure())
    db.session.execute(db.delete(Notification))
    db.session.commit()
    return made


def queued(channel: str | None = "email") -> list[Notification]:
    """The messages queued so far on `channel` (None: every channel), oldest first."""
    query = db.select(Notification).order_by(Notification.id)
    if channel is not None:
        query = query.filter_by(channel=channel)
    return list(db.session.execute(query).scalars())


def test_accepted_message_reaches_the_smtp_server(smtp, email_only, dossier, app):
    inbox, _ = smtp
    notifications.notify(dossier, "accepted", key="1")
    db.session.commit()
    assert deliver_batch() == (1, 0)
    [msg] = inbox.messages
    assert msg["To"] == "an@example.vn"
    assert msg["Subject"] == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    body = msg.get_content()
    assert dossier.due_date.strftime("%d/%m/%Y") in body
    assert f"http://127.0.0.1:5000/tra-cuu?ma={dossier.code}\n" in body  # PUBLIC_URL, not the request's host
    assert VALID_ID not in body and "Lê Lợi" not in body  # no personal data beyond the code
    assert f"notification-{queued()[0].id}" in msg["Message-ID"]
    assert queued()[0].sent_at is not None
    assert deliver_batch() == (0, 0)  # nothing is sent twice


def test_same_event_twice_is_queued_once(email_only, dossier):
    notifications.notify(dossier, "accepted", key="1")
    notifications.notify(dossier, "accepted", key="1")
    db.session.commit()
    notifications.notify(dossier, "accepted", key="1")
    db.session.commit()
    assert len(queued()) == 1


def test_rolled_back_change_sends_nothing(dossier):
    notifications.notify(dossier, "accepted", key="1")
    db.session.rollback()
    assert queued() == []


def test_mail_server_down_then_back(app, email_only, dossier):
    port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    notifications.notify(dossier, "accepted", key="1")
    db.session.commit()
    assert deliver_batch() == (0, 1)
    [note] = queued()
    assert note.attempts == 1 and note.sent_at is None and note.failed_at is None
    assert "ConnectionRefused" in note.last_error
    assert note.next_attempt_at > utcnow()
    assert deliver_batch() == (0, 0)  # backing off: not retried at once

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        note.next_attempt_at = utcnow() - timedelta(seconds=1)  # the backoff has passed
        db.session.commit()
        assert deliver_batch() == (1, 0)
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


def test_worker_restarting_mid_batch_sends_nothing_twice(smtp, email_only, dossier):
    inbox, _ = smtp
    notifications.notify(dossier, "accepted", key="1")
    notifications.notify(dossier, "resolved", key="1")
    notifications.notify(dossier, "ready_at_counter", key="1")
    db.session.commit()
    # A worker claims the batch and dies before sending anything: its lease holds the rows.
    assert len(claim(10)) == 3
    assert deliver_batch() == (0, 0)
    for note in queued():  # ... until the lease expires
        note.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    # The server refuses the second message mid-batch; the first and third go through.
    inbox.refuse_subjects = {"đã có kết quả"}
    assert deliver_batch() == (2, 1)
    inbox.refuse_subjects = set()
    for note in queued():
        note.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_batch() == (1, 0)
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert len(subjects) == 3 and len(set(subjects)) == 3


def test_worker_command_delivers(runner, smtp, email_only, dossier):
    inbox, _ = smtp
    notifications.notify(dossier, "refused", key="1", reason="Hồ sơ không thuộc thẩm quyền")
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert "Lý do: Hồ sơ không thuộc thẩm quyền" in inbox.messages[0].get_content()


def test_sms_through_the_pluggable_gateway(app, dossier, tmp_path):
    spool = tmp_path / "sms.log"
    app.config["SMS_SPOOL"] = str(spool)
    notifications.notify(dossier, "ready_at_counter", key="1")
    db.session.commit()
    sms = queued("sms")
    assert [n.recipient for n in sms] == ["0912345678"]
    app.config["MAIL_PORT"] = free_port()  # the email fails; the SMS must not depend on it
    sent, _failed = deliver_batch()
    assert sent == 1
    line = spool.read_text(encoding="utf-8")
    assert line.startswith("0912345678\t") and dossier.code in line


def test_workflow_transitions_queue_messages_in_the_same_commit(smtp, dossier):
    from datetime import timedelta as td

    from app.lib.time import local_today
    from app.services import workflow
    from app.services.actors import Actor

    inbox, _ = smtp
    officer = Actor("user", "reception", None, "Cán bộ tiếp nhận")
    workflow.accept(dossier, officer)
    assert [n.event for n in queued()] == ["accepted"]
    workflow.request_supplement(dossier, officer, "Bản sao giấy khai sinh\nẢnh 4x6",
                                local_today() + td(days=5))
    assert [n.event for n in queued()] == ["accepted", "supplement_requested"]
    assert [n.event for n in queued("sms")] == ["accepted", "supplement_requested"]
    assert deliver_batch() == (4, 0)
    body = inbox.messages[1].get_content()
    assert "- Bản sao giấy khai sinh" in body and "- Ảnh 4x6" in body
    assert "không cần đến cơ quan" in body


def test_refusal_message_carries_the_reason(smtp, dossier):
    from app.services import workflow
    from app.services.actors import Actor

    workflow.refuse(dossier, Actor("user", "reception", None, "Cán bộ"), "Sai thẩm quyền")
    [note] = queued()
    assert note.event == "refused" and "Lý do: Sai thẩm quyền" in note.body
