"""A shared phone (issue 9, item 5): the server tells the page whose device data it may show.

The `motcua_owner` cookie and <body data-account> carry an opaque tag of the signed-in account
(never its id or e-mail), set at sign-in, removed at sign-out or when the session ends; pages
say `X-Signed-In` so the service worker keeps only pages rendered for nobody; a queued dossier
claims its account by that tag, and nobody else's session can file it.
"""

import hashlib
import re

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Dossier, UserSession
from app.services.dossiers.device import owner_tag
from tests.factories import jpeg_bytes, make_procedure, make_user, manifest, new_key, pdf_bytes
from tests.helpers import fresh_client, post_dossier, put_blob, sign_in

COOKIE = "motcua_owner"
OWNERS = "/api/v1/device/owners"


def body_account(html: str) -> str | None:
    found = re.search(r'<body[^>]*?data-account="([^"]*)"', html)
    return found.group(1) if found else None


def sign_out(client):
    html = client.get("/tai-khoan").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/dang-xuat", data={"csrf_token": csrf})


def owner_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def test_nobody_signed_in_gets_no_tag_and_pages_the_worker_may_keep(app, ctx):
    client = fresh_client(app)
    page = client.get("/")
    assert page.headers["X-Signed-In"] == "0"
    assert body_account(page.get_data(as_text=True)) is None
    assert owner_cookie(client) is None
    assert "X-Signed-In" not in client.get("/api/v1/procedures").headers  # only pages say it


def test_sign_in_sets_an_opaque_tag_and_sign_out_removes_it(app, ctx):
    user = make_user(role="citizen", email="an@example.vn")
    user_id, tag = user.id, owner_tag(user.id)
    client = fresh_client(app)
    signed_in = sign_in(client, user)
    assert f"{COOKIE}={tag}" in signed_in.headers["Set-Cookie"] or owner_cookie(client) == tag
    cookie = client.get_cookie(COOKIE)
    assert cookie.value == tag and not cookie.http_only and cookie.same_site == "Lax"
    assert re.fullmatch(r"[0-9a-f]{32}", tag) and "an@" not in tag
    # Not the id in any plain encoding (a digit of the id may of course appear in random hex).
    plain = {str(user_id), f"{user_id:032x}", hashlib.sha256(str(user_id).encode()).hexdigest()[:32]}
    assert tag not in plain

    page = client.get("/thu-tuc")
    assert page.headers["X-Signed-In"] == "1"
    assert body_account(page.get_data(as_text=True)) == tag

    out = sign_out(client)
    assert out.status_code == 303
    assert owner_cookie(client) is None  # removed by the sign-out answer itself
    after = client.get(out.headers["Location"])
    assert after.headers["X-Signed-In"] == "0" and body_account(after.get_data(as_text=True)) is None


def test_tags_differ_per_account_and_stay_the_same_across_sign_ins(app, ctx):
    an, binh = make_user(role="citizen", email="an@example.vn"), make_user(role="business", email="b@x.vn")
    officer = make_user(role="reception")
    first, second = fresh_client(app), fresh_client(app)
    sign_in(first, an)
    sign_in(second, an)
    assert owner_cookie(first) == owner_cookie(second) == owner_tag(an.id)
    sign_out(first)
    sign_in(first, binh)  # the next person on the same phone
    assert owner_cookie(first) == owner_tag(binh.id) != owner_tag(an.id)
    staff = fresh_client(app)
    sign_in(staff, officer)  # staff keep their own things apart too
    assert owner_cookie(staff) == owner_tag(officer.id) not in (owner_tag(an.id), owner_tag(binh.id))


def test_a_session_ended_elsewhere_removes_the_tag_on_the_next_answer(app, ctx):
    user = make_user(role="citizen", email="an@example.vn")
    client = fresh_client(app)
    sign_in(client, user)
    assert owner_cookie(client) == owner_tag(user.id)
    db.session.execute(update(UserSession).values(revoked_at=db.func.now()))  # a new password elsewhere
    db.session.commit()
    assert client.post("/api/v1/track", json={"code": "X", "secret": "1"}).status_code == 404
    assert owner_cookie(client) is None  # an API answer brings the page's idea in line too


def _queued(client, claim):
    proc = make_procedure()
    a, b = jpeg_bytes(color=(10, 20, 30)), pdf_bytes("giấy khai sinh")
    put_blob(client, a)
    put_blob(client, b)
    return manifest(proc, [(0, a), (1, b)]) | {"account": claim}


def test_a_dossier_claims_its_account_by_tag_and_no_other_session_files_it(app, ctx):
    an, binh = make_user(role="citizen", email="an@example.vn"), make_user(role="citizen", email="b@x.vn")
    an_id = an.id
    phone = fresh_client(app)
    sign_in(phone, binh)
    body, key = _queued(phone, owner_tag(an.id)), new_key()
    refused = post_dossier(phone, body, key)  # An's item, with Bình signed in: not Bình's to file
    assert refused.status_code == 401 and refused.json["error"] == "signin_required"
    assert db.session.execute(db.select(Dossier)).first() is None

    anonymous = fresh_client(app)
    put_blob(anonymous, jpeg_bytes(color=(10, 20, 30)))
    assert post_dossier(anonymous, body, key).status_code == 401  # nor anyone's, signed out

    sign_out(phone)
    sign_in(phone, an)  # a fresh session: the files Bình's sent are not An's (files/claims.py)
    missing = post_dossier(phone, body, key)
    assert missing.status_code == 409 and missing.json["error"] == "blobs_missing"
    for data in (jpeg_bytes(color=(10, 20, 30)), pdf_bytes("giấy khai sinh")):  # as the outbox does
        assert put_blob(phone, data).status_code == 201
    created = post_dossier(phone, body, key)
    assert created.status_code == 201
    assert db.session.execute(db.select(Dossier.owner_id)).scalar_one() == an_id


@pytest.mark.parametrize("claim", ["not-a-tag", "0" * 32, "é" * 32, "\u0000" * 32, True, 1.5, [], {}])
def test_a_claim_that_names_nobody_signed_in_is_refused_cleanly(app, ctx, claim):
    user = make_user(role="citizen", email="an@example.vn")
    client = fresh_client(app)
    sign_in(client, user)
    response = post_dossier(client, _queued(client, claim), new_key())
    assert response.status_code == 401 and response.json["error"] == "signin_required"
    assert db.session.execute(db.select(Dossier)).first() is None


def test_old_records_learn_which_account_id_is_the_one_signed_in(app, ctx):
    an, binh = make_user(role="citizen", email="an@example.vn"), make_user(role="citizen", email="b@x.vn")
    ids = [an.id, binh.id, 2**62]
    client = fresh_client(app)
    nobody = client.post(OWNERS, json={"accounts": ids})
    assert nobody.status_code == 200 and nobody.json == {"owner": "", "mine": []}
    assert nobody.headers["Cache-Control"] == "no-store"

    sign_in(client, an)
    answer = client.post(OWNERS, json={"accounts": ids})
    assert answer.json == {"owner": owner_tag(an.id), "mine": [an.id]}
    assert client.post(OWNERS, json={"accounts": [binh.id]}).json["mine"] == []


@pytest.mark.parametrize("body", [{}, {"accounts": "1"}, {"accounts": ["1"]}, {"accounts": [True]},
                                  {"accounts": [1.5]}, {"accounts": list(range(51))},
                                  {"accounts": [1], "extra": 1}])
def test_old_records_question_with_bad_input_is_a_clear_422(app, ctx, body):
    user = make_user(role="citizen", email="an@example.vn")
    client = fresh_client(app)
    sign_in(client, user)
    response = client.post(OWNERS, json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid" and response.json["message"]


def test_old_records_question_must_be_json(app, ctx):
    client = fresh_client(app)
    response = client.post(OWNERS, data={"accounts": "1"})
    assert response.status_code == 415


def test_old_records_question_is_in_the_api_document(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/device/owners"]["post"]
    assert {"200", "400", "415", "422"} <= set(operation["responses"])
