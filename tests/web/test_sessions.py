"""Sessions live on the server: a copy of the cookie dies with sign-out, a new password, a
disabled account, idle time (staff) and the absolute lifetime; "remember me" cannot revive one.

Time is moved by rewriting the session's timestamps in the database, never by sleeping.
"""

from datetime import timedelta

from flask_login.utils import encode_cookie

from app import create_app
from app.extensions import db
from app.lib.time import utcnow
from app.models import UserSession
from app.services.accounts import password_reset
from tests.factories import STAFF_PASSWORD, make_user
from tests.helpers import csrf_token, form_post, fresh_client, sign_in
from tests.web.test_accounts import PASSWORD, register


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (a stolen or saved one)."""
    other = fresh_client(app)
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def rows(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.execute(db.select(UserSession).filter_by(user_id=user_id)
                                   .order_by(UserSession.created_at)).scalars())


def sign_out(client, page: str = "/staff/"):
    html = client.get(page).get_data(as_text=True)
    return client.post("/dang-xuat", data={"csrf_token": csrf_token(html)})


def age(user_id: int, **moved) -> None:
    """Move the account's open session back in time: created_at and/or last_seen_at."""
    values = {column: utcnow() - delta for column, delta in moved.items()}
    db.session.execute(db.update(UserSession).filter_by(user_id=user_id).values(**values))
    db.session.commit()


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_staff_pages(ctx, app):
    officer = make_user("reception")
    client = fresh_client(app)
    sign_in(client, officer)
    saved = copy_of(app, client)
    assert saved.get("/staff/").status_code == 200  # the copy works while the session is open
    [row] = rows(officer.id)
    assert row.revoked_at is None and len(row.id) == 64  # a SHA-256, never the token itself
    assert client.get_cookie("session").value.find(row.id) == -1
    assert sign_out(client).status_code == 303
    replay = saved.get("/staff/")
    assert replay.status_code == 302 and replay.location.startswith("/dang-nhap")
    assert rows(officer.id)[0].revoked_at is not None


def test_a_citizen_cookie_saved_before_sign_out_no_longer_opens_the_account(ctx, app):
    client = fresh_client(app)
    assert register(client, "an@example.vn").status_code == 303  # registering signs in too
    saved = copy_of(app, client)
    mine = saved.get("/tai-khoan")
    assert mine.status_code == 200 and "Hồ sơ của tài khoản" in mine.get_data(as_text=True)
    sign_out(client, "/tai-khoan")
    assert saved.get("/tai-khoan").status_code == 302
    assert client.get("/tai-khoan").status_code == 302


def test_a_new_password_ends_every_session_of_the_account(ctx, app):
    citizen = make_user("citizen", email="binh@example.vn", password=PASSWORD)
    phone, laptop = fresh_client(app), fresh_client(app)
    for client in (phone, laptop):
        sign_in(client, citizen, PASSWORD)
        assert client.get("/tai-khoan").status_code == 200
    path = f"/dat-lai-mat-khau/{password_reset.reset_token(citizen)}"
    anonymous = fresh_client(app)
    page = anonymous.get(path).get_data(as_text=True)
    done = anonymous.post(path, data={"csrf_token": csrf_token(page), "password": "mot-cau-rat-dai-de-nho",
                                      "confirm": "mot-cau-rat-dai-de-nho"})
    assert done.status_code == 303
    assert phone.get("/tai-khoan").status_code == laptop.get("/tai-khoan").status_code == 302
    assert all(r.revoked_at is not None for r in rows(citizen.id))
    sign_in(phone, citizen, "mot-cau-rat-dai-de-nho")  # the new password opens a new session
    assert phone.get("/tai-khoan").status_code == 200


def test_disabling_an_account_ends_its_sessions_and_enabling_it_revives_none(ctx, app):
    admin, officer = make_user("admin"), make_user("department", agency=None)
    desk, elsewhere = fresh_client(app), fresh_client(app)
    sign_in(desk, officer)
    sign_in(elsewhere, officer)
    saved = copy_of(app, desk)  # not used while the account is disabled
    boss = fresh_client(app)
    sign_in(boss, admin)
    url = f"/staff/quan-tri/tai-khoan/{officer.id}/trang-thai"
    assert form_post(boss, url, {"active": "0"}).status_code == 303
    assert desk.get("/staff/").status_code == elsewhere.get("/staff/").status_code == 302
    assert form_post(boss, url, {"active": "1"}).status_code == 303
    assert saved.get("/staff/").status_code == 302  # re-enabled: it signs in afresh
    assert len([r for r in rows(officer.id) if r.revoked_at is None]) == 0
    assert boss.get("/staff/").status_code == 200  # the admin's own session is untouched


def test_staff_sessions_end_after_idle_time(ctx, app):
    officer = make_user("reception")
    client = fresh_client(app)
    sign_in(client, officer)
    assert app.config["STAFF_IDLE_MINUTES"] == 30
    age(officer.id, last_seen_at=timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200  # still in time, and that use counts:
    assert utcnow() - rows(officer.id)[0].last_seen_at < timedelta(seconds=30)
    age(officer.id, last_seen_at=timedelta(minutes=31))
    assert client.get("/staff/").status_code == 302
    app.config["STAFF_IDLE_MINUTES"] = 5
    sign_in(client, officer)
    age(officer.id, last_seen_at=timedelta(minutes=6))
    assert client.get("/staff/").status_code == 302


def test_staff_sessions_end_after_their_lifetime_even_when_busy(ctx, app):
    officer = make_user("leader")
    client = fresh_client(app)
    sign_in(client, officer)
    assert app.config["STAFF_MAX_HOURS"] == 12
    age(officer.id, created_at=timedelta(hours=11, minutes=59), last_seen_at=timedelta(minutes=1))
    assert client.get("/staff/").status_code == 200
    age(officer.id, created_at=timedelta(hours=12, minutes=1))
    assert client.get("/staff/").status_code == 302


def test_citizen_sessions_have_no_idle_limit_but_a_longer_lifetime(ctx, app):
    citizen = make_user("citizen", password=PASSWORD)
    client = fresh_client(app)
    sign_in(client, citizen, PASSWORD)
    age(citizen.id, created_at=timedelta(days=29), last_seen_at=timedelta(days=3))
    assert client.get("/tai-khoan").status_code == 200
    age(citizen.id, created_at=timedelta(days=31))
    assert client.get("/tai-khoan").status_code == 302
    app.config["CITIZEN_MAX_DAYS"] = 7
    sign_in(client, citizen, PASSWORD)
    age(citizen.id, created_at=timedelta(days=8))
    assert client.get("/tai-khoan").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(ctx, app):
    officer = make_user("reception")
    client = fresh_client(app)
    sign_in(client, officer)
    writes = []
    listener = lambda *args: writes.append(args[2]) if args[2].lstrip().upper().startswith(  # noqa: E731
        "UPDATE USER_SESSION") else None
    db.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for _i in range(5):
            assert client.get("/staff/").status_code == 200
        assert writes == []
        age(officer.id, last_seen_at=timedelta(seconds=61))
        writes.clear()
        for _i in range(3):
            assert client.get("/staff/").status_code == 200
        assert len(writes) == 1
    finally:
        db.event.remove(db.engine, "before_cursor_execute", listener)


def test_a_remember_me_cookie_cannot_bring_a_session_back(ctx, app):
    officer = make_user("reception")
    with app.test_request_context():
        forged = encode_cookie(str(officer.id))  # what Flask-Login would have set, validly signed
    client = fresh_client(app)
    client.set_cookie("remember_token", forged)
    answer = client.get("/staff/")
    assert answer.status_code == 302 and answer.location.startswith("/dang-nhap")
    assert rows(officer.id) == []


def test_signing_in_again_ends_the_session_it_replaces(ctx, app):
    first, second = make_user("reception"), make_user("reception")
    client = fresh_client(app)
    sign_in(client, first)
    saved = copy_of(app, client)
    again = form_post(client, "/dang-nhap", {"email": second.email, "password": STAFF_PASSWORD})
    assert again.status_code == 303
    assert saved.get("/staff/").status_code == 302
    assert "Cán bộ reception" in client.get("/staff/").get_data(as_text=True)
    assert [r.revoked_at is not None for r in rows(first.id)] == [True]


def test_another_app_server_on_the_same_database_sees_the_same_sessions(ctx, app):
    """Nothing is kept in process memory: a second app (another server) honours and ends them."""
    other_server = create_app(type("SameSettings", (), dict(app.config)))
    officer = make_user("reception")
    client = fresh_client(app)
    sign_in(client, officer)
    there = fresh_client(other_server)
    there.set_cookie("session", client.get_cookie("session").value)
    try:
        assert there.get("/staff/").status_code == 200
        sign_out(client)
        assert there.get("/staff/").status_code == 302
    finally:
        with other_server.app_context():
            db.engine.dispose()  # its own connection pool
