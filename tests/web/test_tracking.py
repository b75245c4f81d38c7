"""Tracking by code plus phone or ID number; no way to enumerate dossiers."""

import pytest

from app.extensions import db
from app.models import Dossier
from tests.factories import VALID_ID, VALID_PHONE, jpeg_bytes, make_procedure, manifest, new_key
from tests.helpers import csrf_token, fresh_client, post_dossier, put_blob


@pytest.fixture
def dossier(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), jpeg_bytes(color=(0, 90, 0))
    put_blob(client, a)
    put_blob(client, b)
    post_dossier(client, manifest(proc, [(0, a), (1, b)]), new_key())
    return db.session.execute(db.select(Dossier)).scalar_one()


def track_page(client, code, secret):
    token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
    return client.post("/tra-cuu", data={"csrf_token": token, "code": code, "secret": secret})


@pytest.mark.parametrize("secret", [VALID_PHONE, VALID_ID, "091 234 5678", "+84912345678"])
def test_track_page_with_phone_or_id(app, dossier, secret):
    client = app.test_client()
    response = track_page(client, dossier.code.lower(), secret)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert dossier.code in page
    assert "Mới đăng ký" in page
    assert "Tiếp theo" in page and "không cần đến cơ quan" in page  # what happens next


def test_wrong_pair_reads_exactly_like_unknown_code(app, dossier):
    client = app.test_client()
    wrong = track_page(client, dossier.code, "0987000111")
    unknown = track_page(client, dossier.code[:-4] + "9999", VALID_PHONE)
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda r: r.get_data(as_text=True).replace(dossier.code[:-4] + "9999", dossier.code)  # noqa: E731
    assert strip(wrong).split("<main")[1] == strip(unknown).split("<main")[1]
    assert client.get(f"/ho-so/{dossier.code}").status_code == 404


def test_track_api(app, dossier):
    client = app.test_client()
    response = client.post("/api/v1/track", json={"code": dossier.code, "secret": VALID_ID})
    assert response.status_code == 200
    body = response.json
    assert body["status"] == 1 and body["status_label"] == "Mới đăng ký"
    assert body["due_date"] == dossier.due_date.isoformat()
    assert [e["status"] for e in body["timeline"]] == [1]
    assert "applicant" not in body and VALID_ID not in response.get_data(as_text=True)


def test_track_api_gives_the_whole_timeline_in_utf8(app, dossier):
    from app.services import workflow
    from app.services.actors import Actor

    workflow.accept(dossier, Actor("user", "reception", None, "Cán bộ"), note="Đủ giấy tờ")
    client = fresh_client(app)
    response = client.post("/api/v1/track", json={"code": dossier.code, "secret": "+84 912 345 678"})
    assert response.status_code == 200
    body = response.json
    assert [(e["status"], e["status_label"], e["note"]) for e in body["timeline"]] == [
        (1, "Mới đăng ký", "Nộp hồ sơ"), (2, "Được tiếp nhận", "Đủ giấy tờ")]
    assert body["status"] == 2 and body["procedure_name"] == dossier.procedure.name
    # Vietnamese goes out as UTF-8, not as \\u escapes that double the bytes.
    assert "Được tiếp nhận".encode() in response.data and b"\\u" not in response.data
    # The receipt link it hands out opens the receipt.
    assert client.get(body["receipt_url"]).status_code == 200

    english = client.post("/api/v1/track?lang=en", json={"code": dossier.code, "secret": VALID_ID})
    assert [e["status_label"] for e in english.json["timeline"]] == ["Newly registered", "Accepted"]


def test_track_api_wrong_pair_and_unknown_are_identical(app, dossier):
    client = app.test_client()
    wrong = client.post("/api/v1/track", json={"code": dossier.code, "secret": "0987000111"})
    unknown = client.post("/api/v1/track", json={"code": "000.00.00.H40-000000-0001",
                                                 "secret": VALID_PHONE})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json == unknown.json


def test_lookups_are_rate_limited_per_client(app, dossier):
    app.config["TRACK_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    codes = [client.post("/api/v1/track", json={"code": f"X-{i}", "secret": "1"}).status_code
             for i in range(4)]
    assert codes == [404, 404, 404, 429]
    limited = client.post("/api/v1/track", json={"code": dossier.code, "secret": VALID_PHONE})
    assert limited.status_code == 429
    assert "quá nhanh" in limited.json["message"]
    page = track_page(client, dossier.code, VALID_PHONE)
    assert page.status_code == 429


def test_english_can_be_switched_on(app, dossier):
    client = fresh_client(app)  # each request in its own context, as in production
    client.get("/ngon-ngu/en?next=/tra-cuu")
    page = client.get("/tra-cuu").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Track a dossier" in page
    client.get("/ngon-ngu/vi")
    assert "Tra cứu hồ sơ" in client.get("/tra-cuu").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    response = client.get("/ngon-ngu/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def _token_signed_days_ago(dossier, days: int) -> str:
    """A link we really signed, `days` ago (the signer's clock set back, nothing else)."""
    import time

    from app.services.dossiers import tracking
    serializer = tracking._serializer()
    signer = serializer.make_signer(serializer.salt)
    signer.get_timestamp = lambda: int(time.time()) - days * 86400
    return signer.sign(serializer.dump_payload([dossier.id, dossier.client_id[:8]])).decode()


@pytest.mark.parametrize("path", ["rating", "postal-requests", "supplements"])
def test_an_expired_link_says_so_and_changes_nothing(app, dossier, path):
    from app.models import PostalRequest, Rating

    client = fresh_client(app)
    url = f"/api/v1/dossiers/{dossier.code}/{path}"
    expired = _token_signed_days_ago(dossier, 91)
    response = client.post(url, json={"token": expired, "level": 1}, headers={"Idempotency-Key": new_key()})
    assert response.status_code == 403 and response.json["error"] == "link_expired"
    assert "hết hạn" in response.json["message"] and "số điện thoại" in response.json["message"]
    assert db.session.execute(db.select(Rating)).first() is None
    assert db.session.execute(db.select(PostalRequest)).first() is None

    # A link still in date passes this check (what follows depends on the write itself).
    fresh = _token_signed_days_ago(dossier, 89)
    in_date = client.post(url, json={"token": fresh, "level": 1}, headers={"Idempotency-Key": new_key()})
    assert in_date.status_code != 403


def test_an_expired_link_for_another_code_or_a_forged_one_is_just_not_found(app, dossier):
    client = fresh_client(app)
    expired = _token_signed_days_ago(dossier, 91)
    for code, token in [("000.00.00.H40-000000-0001", expired), (dossier.code, expired[:-3] + "abc")]:
        response = client.post(f"/api/v1/dossiers/{code}/rating", json={"token": token, "level": 1},
                               headers={"Idempotency-Key": new_key()})
        assert response.status_code == 404 and response.json["error"] == "not_found"
