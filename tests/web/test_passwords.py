"""One password rule everywhere (web registration, reset, admin, CLI): 10 characters, not a
common password, not the login; and asking for a reset does the same work for any login."""

import unicodedata

import pytest

from app.extensions import db
from app.models import User
from app.services.accounts import password_reset
from app.services.accounts.passwords import (
    common_passwords,
    hash_password,
    is_common,
    problem,
    verify_password,
)
from app.services.messaging.delivery import deliver_batch
from tests.factories import make_user
from tests.helpers import csrf_token, form_post, fresh_client, sign_in
from tests.web.test_accounts import register
from tests.web.test_password_reset import _ask, inbox  # noqa: F401 (inbox is a fixture)

TOO_COMMON = "Mật khẩu này quá phổ biến, dễ bị đoán."
GOOD = "mot-cau-rat-dai-de-nho"


def users() -> list[str]:
    return list(db.session.execute(db.select(User.email)).scalars())


@pytest.mark.parametrize("password", ["1234567890", "Password123", "anhyeuem2024", "Anh yêu em 123!",
                                      "qwertyuiop", "matkhau12345", "iloveyou!!!", "aaaaaaaaaaaa"])
def test_common_passwords_are_refused_at_registration(ctx, app, password):
    answer = register(fresh_client(app), "moi@example.vn", password=password)
    assert answer.status_code == 422
    assert TOO_COMMON in answer.get_data(as_text=True)
    assert users() == []


def test_registration_refuses_short_and_login_based_passwords_and_takes_a_good_one(ctx, app):
    short = register(fresh_client(app), "lan.nguyen@example.vn", password="ngan-qua")
    assert short.status_code == 422 and "Mật khẩu cần ít nhất 10 ký tự." in short.get_data(as_text=True)
    mine = register(fresh_client(app), "lan.nguyen@example.vn", password="Lan.Nguyen-2026")
    assert mine.status_code == 422
    assert "Mật khẩu không được chứa email hoặc số điện thoại đăng nhập." in mine.get_data(as_text=True)
    by_phone = register(fresh_client(app), "0912 345 678", password="so-0912345678")
    assert by_phone.status_code == 422 and "không được chứa" in by_phone.get_data(as_text=True)
    assert users() == []
    assert register(fresh_client(app), "lan.nguyen@example.vn", password=GOOD).status_code == 303


def test_reset_refuses_a_common_password_and_changes_nothing(ctx, app):
    user = make_user("citizen", email="ha@example.vn")
    old = user.password_hash
    path = f"/dat-lai-mat-khau/{password_reset.reset_token(user)}"
    client = fresh_client(app)
    page = client.get(path).get_data(as_text=True)
    answer = client.post(path, data={"csrf_token": csrf_token(page), "password": "Password123456",
                                     "confirm": "Password123456"})
    assert answer.status_code == 422 and TOO_COMMON in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old


def test_the_cli_uses_the_same_rule(ctx, app):
    runner = app.test_cli_runner()
    for weak, message in (("12345678", "Mật khẩu cần ít nhất 10 ký tự."), ("password2024", TOO_COMMON)):
        result = runner.invoke(args=["create-user", "le.tan@motcua.test", "--role", "reception",
                                     "--password", weak])
        assert result.exit_code == 2 and message in result.output, result.output
    assert users() == []
    result = runner.invoke(args=["create-user", "le.tan@motcua.test", "--role", "reception",
                                 "--password", GOOD])
    assert result.exit_code == 0, result.output
    assert users() == ["le.tan@motcua.test"]


def test_the_admin_form_uses_the_same_rule(ctx, app):
    client = fresh_client(app)
    sign_in(client, make_user("admin"))
    answer = form_post(client, "/staff/quan-tri/tai-khoan", {
        "email": "can-bo-moi@motcua.test", "name": "Cán bộ mới", "role": "reception",
        "password": "qwerty123456"})
    assert answer.status_code == 422 and TOO_COMMON in answer.get_data(as_text=True)
    assert "can-bo-moi@motcua.test" not in users()


def test_the_lists_are_folded_and_include_our_own_words():
    words = common_passwords()
    assert len(words) > 19_000 and "123456" in words and "anhyeuem" in words and "motcua" in words
    assert is_common("Một Cửa 2026") and is_common("p a s s w o r d 1")
    assert not is_common(GOOD) and problem(GOOD) is None
    assert problem("x" * 129) == "Mật khẩu dài quá 128 ký tự." and problem("ab-" * 42 + "cd") is None


def test_a_password_typed_composed_or_decomposed_is_the_same(ctx):
    password = "Trăng rằm tháng tám 15"
    stored = hash_password(unicodedata.normalize("NFC", password))
    assert verify_password(stored, unicodedata.normalize("NFD", password))
    assert not verify_password(stored, "Trang ram thang tam 15")


def test_asking_for_a_reset_runs_the_same_queries_whether_or_not_the_account_exists(ctx, app, inbox):  # noqa: F811
    make_user("citizen", email="co@example.vn")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    def queries_for(login: str) -> list[str]:
        client = fresh_client(app)
        client.get("/quen-mat-khau")
        statements.clear()
        db.event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert _ask(client, login).status_code == 200
        finally:
            db.event.remove(db.engine, "before_cursor_execute", record)
        return [s for s in statements if "csrf" not in s.lower()]

    known, unknown = queries_for("co@example.vn"), queries_for("khong-co@example.vn")
    assert known == unknown and any(s.lstrip().upper().startswith("INSERT INTO NOTIFICATION") for s in known)
    assert not any('FROM "user"' in s or "FROM user" in s for s in known)  # nobody is looked up
    assert deliver_batch() == (1, 0) and [m["To"] for m in inbox.messages] == ["co@example.vn"]
