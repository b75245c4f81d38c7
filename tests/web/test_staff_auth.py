"""Signing in and out: Argon2 passwords, safe redirects (throttling: test_signin_throttle.py)."""


from app.extensions import db
from tests.factories import STAFF_PASSWORD, make_user
from tests.helpers import csrf_token, fresh_client, sign_in


def attempt(client, email: str, password: str, next: str = ""):
    page = client.get("/dang-nhap").get_data(as_text=True)
    return client.post("/dang-nhap", data={"email": email, "password": password, "next": next,
                                           "csrf_token": csrf_token(page)})


def test_sign_in_lands_on_the_queue_and_sign_out_ends_it(client, ctx):
    user = make_user("reception", name="Trần Thị Lan")
    assert user.password_hash.startswith("$argon2id$")
    response = attempt(client, user.email.upper(), STAFF_PASSWORD)
    assert response.status_code == 303 and response.location == "/staff/"
    page = client.get("/staff/").get_data(as_text=True)
    assert "Trần Thị Lan" in page and "Hàng đợi hồ sơ" in page
    out = client.post("/dang-xuat", data={"csrf_token": csrf_token(page)})
    assert out.status_code == 303 and out.location == "/dang-nhap"
    assert "Bạn đã đăng xuất." in client.get("/dang-nhap").get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_wrong_password_and_unknown_email_read_the_same(client, ctx):
    user = make_user("reception")
    wrong = attempt(client, user.email, "sai-mat-khau")
    unknown = attempt(client, "khong-co@motcua.test", "sai-mat-khau")
    assert wrong.status_code == unknown.status_code == 401
    message = "E-mail hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_disabled_account_cannot_sign_in_and_is_signed_out(client, ctx):
    user = make_user("department", agency=None)
    sign_in(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/staff/").status_code == 302  # the session no longer loads the user
    assert attempt(client, user.email, STAFF_PASSWORD).status_code == 401


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client, ctx):
    user = make_user("leader")
    first = client.get("/staff/?status=all")
    assert first.status_code == 302 and "/dang-nhap?next=" in first.location
    back = attempt(client, user.email, STAFF_PASSWORD, next="/staff/?status=all")
    assert back.location == "/staff/?status=all"
    other = fresh_client(client.application)
    assert attempt(other, user.email, STAFF_PASSWORD, next="//evil.example/x").location == "/staff/"


def test_citizen_account_goes_home_not_to_the_queue(client, ctx):
    user = make_user("citizen")
    assert attempt(client, user.email, STAFF_PASSWORD).location == "/"
    assert client.get("/staff/").status_code == 403


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from app.config import ProductionConfig
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_login_view_is_the_sign_in_page(app):
    from app.extensions import login_manager
    assert login_manager.login_view == "auth.signin_form"
