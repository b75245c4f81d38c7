"""Messages about an account go through the dossier messages' outbox, dedup and worker; reset settings."""

import os
import subprocess
import sys

import pytest

from app.config import ROOT
from app.extensions import db
from app.models import Notification
from app.services.messaging import notifications
from app.services.messaging.delivery import deliver_batch
from tests.factories import make_user
from tests.helpers import fresh_client
from tests.web.test_password_reset import LINK, _ask, inbox  # noqa: F401 (inbox is a fixture)


def rows() -> list[Notification]:
    return list(db.session.execute(db.select(Notification).order_by(Notification.id)).scalars())


def test_an_account_message_is_queued_once_per_key_and_delivered(ctx, app, inbox):  # noqa: F811
    user = make_user("citizen", email="chi@example.vn")
    for _i in range(2):  # a replay of the same message (same key) adds nothing
        notifications.notify_account(user, "password_reset", "k1", link="https://x.vn/dat-lai-mat-khau/abc",
                                     minutes=60)
    db.session.commit()
    [note] = rows()
    assert (note.dedupe_key, note.event, note.channel, note.dossier_id) == (
        f"account:{user.id}:password_reset:k1:email", "password_reset", "email", None)
    assert deliver_batch() == (1, 0)
    [message] = inbox.messages
    assert message["To"] == "chi@example.vn" and message["Subject"] == "Đặt lại mật khẩu tài khoản Một Cửa"
    assert "https://x.vn/dat-lai-mat-khau/abc" in message.get_content()
    assert deliver_batch() == (0, 0)


def test_account_messages_need_a_known_kind_and_a_way_to_reach_the_account(ctx, app):
    phone_only = make_user("citizen")
    phone_only.email, phone_only.phone = None, "0987654321"
    db.session.commit()
    with pytest.raises(ValueError):
        notifications.notify_account(phone_only, "accepted", "k")
    app.config["SMS_GATEWAY"] = ""  # SMS switched off: a phone-only account cannot be reached
    assert notifications.notify_account(phone_only, "password_reset", "k", link="/x", minutes=60) == []
    app.config["SMS_GATEWAY"] = "app.services.messaging.sms:SpoolGateway"
    [sms] = notifications.notify_account(phone_only, "password_reset", "k", link="https://x.vn/r/1",
                                         minutes=60)
    assert (sms.channel, sms.recipient, sms.subject) == ("sms", "0987654321", "")
    assert sms.body == "Đặt lại mật khẩu tài khoản Một Cửa: https://x.vn/r/1"


def test_the_link_lifetime_comes_from_config(ctx, app, inbox):  # noqa: F811
    make_user("citizen", email="lan@example.vn")
    app.config["PASSWORD_RESET_MAX_AGE"] = 30 * 60
    assert _ask(fresh_client(app), "lan@example.vn").status_code == 200
    assert deliver_batch() == (1, 0)
    body = inbox.messages[0].get_content()
    assert "trong 30 phút" in body
    path = LINK.search(body).group(1)
    assert fresh_client(app).get(path).status_code == 200
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert fresh_client(app).get(path).status_code == 404


def test_the_default_reset_limit_is_three_per_quarter_hour(ctx, app):
    assert app.config["RESET_RATE_LIMIT"] == "3 per 15 minutes"
    make_user("citizen", email="ha@example.vn")
    client = fresh_client(app)
    assert [_ask(client, "ha@example.vn").status_code for _i in range(4)] == [200, 200, 200, 429]
    assert len(rows()) == 3


def test_reset_settings_are_read_from_the_environment():
    code = "from app.config import Config; print(Config.RESET_RATE_LIMIT, '|', Config.PASSWORD_RESET_MAX_AGE)"
    env = os.environ | {"RESET_RATE_LIMIT": "5 per hour", "PASSWORD_RESET_MAX_AGE": "900"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "5 per hour | 900"
    env = {k: v for k, v in os.environ.items() if k not in ("RESET_RATE_LIMIT", "PASSWORD_RESET_MAX_AGE")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "3 per 15 minutes | 3600"
