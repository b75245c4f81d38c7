"""Issuing and revoking department API tokens: the admin page and `flask api-token`."""

import re

import pytest

from app.extensions import db
from app.models import ApiToken
from app.services.integration.tokens import digest
from tests.agency_helpers import bearer, department, processing
from tests.factories import make_user
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.helpers import form_post as post

PAGE = "/staff/quan-tri/ma-truy-cap"



def test_an_admin_issues_a_token_shown_once_that_then_works_and_can_be_revoked(client, admin, app):
    agency, proc = department()
    dossier = processing(proc)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Cấp mã truy cập" in page and "Chưa có mã truy cập nào." in page
    issued = post(client, PAGE, {"agency_id": str(agency.id), "name": "Phần mềm hộ tịch",
                                 "scopes": ["read", "write"]}, page=PAGE)
    html = issued.get_data(as_text=True)
    assert issued.status_code == 200 and "chỉ hiện một lần" in html
    secret = re.search(r"<code>(mc_[A-Za-z0-9_-]{43})</code>", html).group(1)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.token_hash == digest(secret) and secret not in (token.hint + token.token_hash)
    assert (token.agency_id, token.name, token.scopes, token.created_by) == (
        agency.id, "Phần mềm hộ tịch", "read,write", admin.email)
    # Shown once: the list shows only its first characters, never the token.
    listing = client.get(PAGE).get_data(as_text=True)
    assert secret not in listing and token.hint in listing and "Chưa dùng" in listing
    api = fresh_client(app)
    assert api.get(f"/api/v1/agency/dossiers/{dossier.code}", headers=bearer(secret)).status_code == 200
    assert "Chưa dùng" not in client.get(PAGE).get_data(as_text=True)
    revoked = post(client, f"{PAGE}/{token.id}/thu-hoi", page=PAGE)
    assert revoked.status_code == 303
    assert "Đã thu hồi" in client.get(PAGE).get_data(as_text=True)
    assert api.get(f"/api/v1/agency/dossiers/{dossier.code}", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"agency_id": ""}, "agency_id", "Vui lòng chọn cơ quan."),
    ({"agency_id": "99999999999999999999999"}, "agency_id", "Vui lòng chọn cơ quan."),
    ({"name": ""}, "name", "Vui lòng đặt tên cho mã"),
    ({"name": "x" * 101}, "name", "Vui lòng đặt tên cho mã"),
    ({"scopes": []}, "scopes", "Chọn quyền đọc, ghi hoặc cả hai."),
    ({"scopes": ["admin"]}, "scopes", "Chọn quyền đọc, ghi hoặc cả hai."),
])
def test_an_invalid_token_form_issues_nothing(client, admin, form, field, message):
    agency, _proc = department()
    data = {"agency_id": str(agency.id), "name": "Phần mềm", "scopes": ["read"]} | form
    response = post(client, PAGE, data, page=PAGE)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.execute(db.select(ApiToken)).first() is None


def test_only_admins_and_only_with_csrf(app, client, ctx):
    agency, _proc = department()
    officer = make_user("leader")
    sign_in(client, officer)
    assert client.get(PAGE).status_code == 403
    admin_client = fresh_client(app)
    sign_in(admin_client, make_user("admin"))
    no_csrf = admin_client.post(PAGE, data={"agency_id": str(agency.id), "name": "x", "scopes": "read"})
    assert no_csrf.status_code == 400
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert admin_client.post(PAGE, data={"agency_id": str(agency.id), "name": "x", "scopes": "read",
                                         "csrf_token": csrf_token(page)}).status_code == 200
    assert db.session.execute(db.select(db.func.count()).select_from(ApiToken)).scalar_one() == 1


def test_the_cli_creates_lists_and_revokes(runner, ctx, app):
    agency, proc = department()
    dossier = processing(proc)
    made = runner.invoke(args=["api-token", "create", "--agency", agency.code, "--scope", "read,write",
                               "--name", "Kết nối STP"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("mc_") and len(secret) == 46
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.scopes == "read,write" and token.token_hash == digest(secret)
    listed = runner.invoke(args=["api-token", "list"])
    assert f"{token.id}\t{agency.code}\tKết nối STP\tread,write" in listed.output
    assert secret not in listed.output
    api = fresh_client(app)
    assert api.get(f"/api/v1/agency/dossiers/{dossier.code}", headers=bearer(secret)).status_code == 200
    assert runner.invoke(args=["api-token", "revoke", str(token.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api-token", "list"]).output
    assert api.get(f"/api/v1/agency/dossiers/{dossier.code}", headers=bearer(secret)).status_code == 401
    assert runner.invoke(args=["api-token", "create", "--agency", "nope"]).exit_code != 0
    wrong_scope = runner.invoke(args=["api-token", "create", "--agency", agency.code, "--scope", "all"])
    assert wrong_scope.exit_code != 0 and "read, write" in wrong_scope.output
    assert runner.invoke(args=["api-token", "revoke", "99999"]).exit_code != 0
