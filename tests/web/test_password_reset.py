"""Forgotten password: a signed, expiring, single-use link through the real outbox, worker and SMTP."""

import re

import pytest

from app.extensions import db
from app.models import Notification, User
from app.services.messaging.delivery import deliver_batch
from tests.factories import make_user
from tests.helpers import csrf_token, fresh_client
from tests.web.test_accounts import PASSWORD, register

NEW_PASSWORD = "mat-khau-moi-cua-toi"
SENT = "Nếu có tài khoản đăng ký bằng thông tin này"
LINK = re.compile(r"https?://\S+(/dat-lai-mat-khau/\S+)")


@pytest.fixture
def inbox(smtp):
    return smtp[0]


def _ask(client, login: str):
    page = client.get("/quen-mat-khau").get_data(as_text=True)
    return client.post("/quen-mat-khau", data={"csrf_token": csrf_token(page), "login": login})


def _set(client, path: str, password: str, confirm: str | None = None):
    page = client.get("/quen-mat-khau").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(page), "password": password,
                                   "confirm": password if confirm is None else confirm})


def _sign_in(client, login: str, password: str):
    page = client.get("/dang-nhap").get_data(as_text=True)
    return client.post("/dang-nhap", data={"csrf_token": csrf_token(page), "email": login,
                                           "password": password})


def _hash(login: str) -> str:
    return db.session.execute(db.select(User.password_hash).filter_by(email=login)).scalar_one()


def _mailed_path(inbox) -> str:
    assert deliver_batch() == (1, 0)
    [message] = inbox.messages
    return LINK.search(message.get_content()).group(1)


def test_reset_by_email_link_then_sign_in_and_the_link_is_spent(ctx, app, inbox):
    client = fresh_client(app)
    assert register(client, "binh@example.vn").status_code == 303
    anonymous = fresh_client(app)
    assert "/quen-mat-khau" in anonymous.get("/dang-nhap").get_data(as_text=True)
    answer = _ask(anonymous, "Binh@Example.vn")
    assert answer.status_code == 200 and SENT in answer.get_data(as_text=True)
    path = _mailed_path(inbox)
    [message] = inbox.messages
    assert message["To"] == "binh@example.vn" and "Đặt lại mật khẩu" in message["Subject"]
    note = db.session.execute(db.select(Notification)).scalar_one()
    assert (note.event, note.channel, note.dossier_id) == ("password_reset", "email", None)
    assert anonymous.get(path).status_code == 200
    old = _hash("binh@example.vn")
    # Bad new passwords: told why, nothing changes.
    short = _set(anonymous, path, "ngan")
    assert short.status_code == 422 and "Mật khẩu cần ít nhất 10 ký tự." in short.get_data(as_text=True)
    mismatch = _set(anonymous, path, NEW_PASSWORD, "mat-khau-khac-han")
    assert mismatch.status_code == 422 and "không khớp" in mismatch.get_data(as_text=True)
    assert _hash("binh@example.vn") == old
    done = _set(anonymous, path, NEW_PASSWORD)
    assert done.status_code == 303 and done.headers["Location"].endswith("/dang-nhap")
    assert _sign_in(fresh_client(app), "binh@example.vn", PASSWORD).status_code == 401
    assert _sign_in(fresh_client(app), "binh@example.vn", NEW_PASSWORD).status_code == 303
    # Single use: the link died with the password it was bound to.
    spent = anonymous.get(path)
    assert spent.status_code == 404 and "đã được dùng" in spent.get_data(as_text=True)
    assert _set(anonymous, path, "mat-khau-lan-thu-ba").status_code == 404
    assert _sign_in(fresh_client(app), "binh@example.vn", NEW_PASSWORD).status_code == 303


def test_the_answer_never_says_whether_the_account_exists(ctx, app, inbox):
    app.config["SMS_GATEWAY"] = ""  # SMS switched off (the default spools them)
    assert register(fresh_client(app), "co@example.vn").status_code == 303
    assert register(fresh_client(app), "0987654321").status_code == 303  # phone only, no SMS gateway

    def page_for(login: str) -> str:
        answer = _ask(fresh_client(app), login)
        assert answer.status_code == 200
        html = re.sub(r'name="csrf_token" value="[^"]+"', "", answer.get_data(as_text=True))
        return html.replace(login, "")

    assert page_for("co@example.vn") == page_for("khong-co@example.vn") == page_for("0987654321")
    # Each request only queued itself; the worker found the one account it can reach.
    assert deliver_batch() == (1, 0)
    assert [n.recipient for n in db.session.execute(db.select(Notification)).scalars()] == ["co@example.vn"]
    form = fresh_client(app).get("/quen-mat-khau").get_data(as_text=True)
    assert "Đặt lại mật khẩu cần email" in form  # says so up front, for phone-only accounts
    empty = _ask(fresh_client(app), "  ")
    assert empty.status_code == 422 and "Vui lòng nhập email" in empty.get_data(as_text=True)


def test_expired_or_forged_links_change_nothing(ctx, app, inbox):
    user = make_user("reception", email="le.tan@motcua.test")  # staff share the account model
    _ask(fresh_client(app), "le.tan@motcua.test")
    path = _mailed_path(inbox)
    old = _hash(user.email)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every link is now older than its lifetime
    client = fresh_client(app)
    for bad in (path, forged, "/dat-lai-mat-khau/khong-phai-ma"):
        page = client.get(bad)
        assert page.status_code == 404 and "hết hạn" in page.get_data(as_text=True)
        assert _set(client, bad, NEW_PASSWORD).status_code == 404
    assert _hash(user.email) == old
    app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert _set(client, path, NEW_PASSWORD).status_code == 303  # within the hour it works
    assert _hash(user.email) != old


def test_requests_back_off_per_login_from_a_client_and_per_client(ctx, app, inbox):
    app.config.update(RESET_FREE_ATTEMPTS=2, RESET_CLIENT_FREE_ATTEMPTS=3)
    assert register(fresh_client(app), "gioi-han@example.vn").status_code == 303
    client = fresh_client(app)
    assert [_ask(client, "gioi-han@example.vn").status_code for _i in range(2)] == [200, 200]
    blocked = _ask(client, "gioi-han@example.vn")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "quá nhiều lần" in blocked.get_data(as_text=True)
    assert _ask(client, "ai-do@example.vn").status_code == 200  # another login: its own count
    assert _ask(client, "nguoi-khac@example.vn").status_code == 429  # but the client's are spent
    assert db.session.execute(db.select(db.func.count()).select_from(Notification)).scalar_one() == 3
    assert deliver_batch() == (2, 0) and len(inbox.messages) == 2  # "ai-do" has no account


def test_phone_account_gets_the_link_by_sms_when_a_gateway_is_set(ctx, app, tmp_path):
    spool = tmp_path / "sms.log"
    app.config.update(SMS_GATEWAY="app.services.messaging.sms:SpoolGateway", SMS_SPOOL=str(spool))
    assert register(fresh_client(app), "0987 654 321").status_code == 303
    client = fresh_client(app)
    form = client.get("/quen-mat-khau").get_data(as_text=True)
    assert "nhập số di động, đường dẫn được gửi bằng tin nhắn" in form
    assert _ask(client, "0987654321").status_code == 200
    assert deliver_batch() == (1, 0)
    phone, text = spool.read_text(encoding="utf-8").strip().split("\t")
    path = LINK.search(text).group(1)
    assert phone == "0987654321"
    assert _set(client, path, NEW_PASSWORD).status_code == 303
    assert _sign_in(fresh_client(app), "0987654321", NEW_PASSWORD).status_code == 303
