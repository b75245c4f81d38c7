"""Sign-in and reset throttling backs off per account-and-client pair and per client.

The attack it must not allow: someone hammering an officer's account from another address
stops the officer signing in from theirs. Every 429 says when to try again, in Vietnamese and
in Retry-After.
"""

import re

import pytest

from app.auth import throttle
from app.extensions import db
from app.models import Notification
from tests.factories import STAFF_PASSWORD, make_user
from tests.helpers import csrf_token, fresh_client

ATTACKER = {"REMOTE_ADDR": "198.51.100.7"}
OFFICE = {"REMOTE_ADDR": "203.0.113.20"}


def attempt(client, email: str, password: str, where: dict):
    page = client.get("/dang-nhap", environ_base=where).get_data(as_text=True)
    return client.post("/dang-nhap", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(page)}, environ_base=where)


def ask_reset(client, login: str, where: dict):
    page = client.get("/quen-mat-khau", environ_base=where).get_data(as_text=True)
    return client.post("/quen-mat-khau", data={"login": login, "csrf_token": csrf_token(page)},
                       environ_base=where)


def test_an_attacker_elsewhere_cannot_lock_the_officer_out(ctx, app):
    officer = make_user("reception")
    attacker = fresh_client(app)
    free = app.config["SIGNIN_FREE_ATTEMPTS"]
    assert free == 5
    for _i in range(free):
        assert attempt(attacker, officer.email, "doan-mo", ATTACKER).status_code == 401
    blocked = attempt(attacker, officer.email, "doan-tiep", ATTACKER)
    assert blocked.status_code == 429
    assert 25 <= int(blocked.headers["Retry-After"]) <= 30
    message = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 30 giây."
    assert message in blocked.get_data(as_text=True)
    # The officer, at the counter, signs in at once and reaches the queue.
    desk = fresh_client(app)
    assert attempt(desk, officer.email, STAFF_PASSWORD, OFFICE).status_code == 303
    assert desk.get("/staff/", environ_base=OFFICE).status_code == 200
    # The attacker is still waiting, even with the right password from there.
    assert attempt(attacker, officer.email, STAFF_PASSWORD, ATTACKER).status_code == 429


def test_one_client_trying_many_accounts_backs_off_for_all_of_them(ctx, app):
    app.config["SIGNIN_CLIENT_FREE_ATTEMPTS"] = 4
    attacker = fresh_client(app)
    for n in range(4):
        assert attempt(attacker, f"doan-{n}@motcua.test", "sai-mat-khau", ATTACKER).status_code == 401
    officer = make_user("department", agency=None)
    blocked = attempt(attacker, officer.email, STAFF_PASSWORD, ATTACKER)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert attempt(fresh_client(app), officer.email, STAFF_PASSWORD, OFFICE).status_code == 303


def test_the_wait_doubles_and_is_said_with_the_time_of_day(ctx, app):
    assert [throttle.wait_after(n, 5) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    app.config["SIGNIN_FREE_ATTEMPTS"] = 1
    user = make_user("leader")
    client = fresh_client(app)
    assert attempt(client, user.email, "sai", OFFICE).status_code == 401  # waits 30 s from here
    # Pretend the 30 s are over (the wait has a key of its own), then fail once more: 60 s.
    key = f"signin/pair/{OFFICE['REMOTE_ADDR']}/{user.email}"
    from app.extensions import limiter
    limiter.storage.clear(f"{key}/wait/1")
    assert attempt(client, user.email, "sai", OFFICE).status_code == 401
    blocked = attempt(client, user.email, STAFF_PASSWORD, OFFICE)
    assert blocked.status_code == 429 and 55 <= int(blocked.headers["Retry-After"]) <= 60
    text = blocked.get_data(as_text=True)
    assert re.search(r"Vui lòng thử lại sau 1 phút \(lúc \d\d:\d\d\)\.", text), text


def test_a_right_password_clears_the_mistakes_of_that_client_on_that_account(ctx, app):
    user = make_user("reception")
    client = fresh_client(app)
    for _round in range(3):  # 4 mistakes, then the right password: never a wait
        for _i in range(4):
            assert attempt(client, user.email, "sai", OFFICE).status_code == 401
        assert attempt(client, user.email, STAFF_PASSWORD, OFFICE).status_code == 303
        page = client.get("/staff/", environ_base=OFFICE).get_data(as_text=True)
        client.post("/dang-xuat", data={"csrf_token": csrf_token(page)}, environ_base=OFFICE)


def test_phone_spellings_count_as_one_login(ctx, app):
    app.config["SIGNIN_FREE_ATTEMPTS"] = 2
    client = fresh_client(app)
    for spelling in ("0987654321", "0987 654 321"):
        assert attempt(client, spelling, "sai-mat-khau", ATTACKER).status_code == 401
    assert attempt(client, "+84987654321", "sai-mat-khau", ATTACKER).status_code == 429


@pytest.fixture
def officer_reset(app):
    app.config["SMS_GATEWAY"] = ""
    return make_user("reception", email="can-bo@motcua.test")


def test_reset_requests_back_off_per_client_and_the_officer_still_gets_a_link(ctx, app, officer_reset):
    attacker = fresh_client(app)
    assert [ask_reset(attacker, "can-bo@motcua.test", ATTACKER).status_code for _i in range(3)] == [200] * 3
    blocked = ask_reset(attacker, "can-bo@motcua.test", ATTACKER)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau 30 giây." in blocked.get_data(as_text=True)
    # From the office the answer is the usual one; the three messages already queued (the
    # account's quota for 15 minutes) are in the officer's inbox, and nothing more is queued.
    assert ask_reset(fresh_client(app), "can-bo@motcua.test", OFFICE).status_code == 200
    count = db.session.execute(db.select(db.func.count()).select_from(Notification)).scalar_one()
    assert count == 3


def test_reset_for_another_officer_is_not_held_up_by_someone_elses_flood(ctx, app, officer_reset):
    attacker = fresh_client(app)
    for _i in range(3):
        ask_reset(attacker, "ai-do@motcua.test", ATTACKER)
    assert ask_reset(fresh_client(app), "can-bo@motcua.test", OFFICE).status_code == 200
    logins = db.session.execute(db.select(Notification.recipient)).scalars().all()
    assert logins.count("can-bo@motcua.test") == 1


def test_the_wait_is_said_with_the_right_plural_in_english_and_one_form_in_vietnamese(app):
    with app.test_request_context("/?lang=en"):
        assert throttle.when(1) == "1 second" and throttle.when(30) == "30 seconds"
        assert re.fullmatch(r"1 minute \(at \d\d:\d\d\)", throttle.when(60))
        assert re.fullmatch(r"5 minutes \(at \d\d:\d\d\)", throttle.when(300))
    with app.test_request_context("/"):
        assert throttle.when(1) == "1 giây" and throttle.when(30) == "30 giây"
        assert re.fullmatch(r"5 phút \(lúc \d\d:\d\d\)", throttle.when(300))
