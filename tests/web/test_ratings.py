"""Satisfaction ratings: once per dossier, after return or refusal, idempotent for the outbox."""

import pytest

from app.extensions import db
from app.models import Rating
from app.services import workflow
from app.services.actors import Actor
from tests.factories import VALID_PHONE, make_dossier, make_procedure, new_key
from tests.helpers import csrf_token

OFFICER = Actor("user", "reception", None, "Cán bộ tiếp nhận")


@pytest.fixture
def refused(app, ctx):
    dossier = make_dossier(make_procedure())
    workflow.refuse(dossier, OFFICER, "Không thuộc thẩm quyền")
    return dossier


def rate(client, code, key, **body):
    body = {"secret": VALID_PHONE, "level": 3, "comment": "Nhanh, chu đáo"} | body
    return client.post(f"/api/v1/dossiers/{code}/rating", json=body, headers={"Idempotency-Key": key})


def test_rating_once_with_replays(app, refused):
    client, key = app.test_client(), new_key()
    first = rate(client, refused.code, key)
    assert first.status_code == 201 and first.json["level_label"] == "Rất hài lòng"
    assert rate(client, refused.code, key).status_code == 200  # the outbox replaying
    changed = rate(client, refused.code, key, level=1)
    assert changed.status_code == 409 and changed.json["error"] == "idempotency_conflict"
    second = rate(client, refused.code, new_key(), level=1)
    assert second.status_code == 409 and second.json["error"] == "already_rated"
    assert "chỉ được đánh giá một lần" in second.json["message"]
    [rating] = db.session.execute(db.select(Rating)).scalars()
    assert (rating.level, rating.comment) == (3, "Nhanh, chu đáo")


def test_not_before_the_result_and_not_by_strangers(app, ctx):
    client, code = app.test_client(), make_dossier(make_procedure()).code
    early = rate(client, code, new_key())
    assert early.status_code == 409 and early.json["error"] == "not_rateable"
    stranger = rate(client, code, new_key(), secret="0987000111")
    assert stranger.status_code == 404
    invalid = rate(client, code, new_key(), level=7)
    assert invalid.status_code in (404, 409, 422)
    assert db.session.execute(db.select(Rating)).first() is None


def test_invalid_level_is_a_vietnamese_422(app, refused):
    response = rate(app.test_client(), refused.code, new_key(), level=7)
    assert response.status_code == 422
    assert response.json["details"]["level"] == ["Vui lòng chọn mức độ hài lòng."]


def test_rating_from_the_status_page(app, refused):
    client = app.test_client()
    page = client.get("/tra-cuu").get_data(as_text=True)
    client.post("/tra-cuu", data={"csrf_token": csrf_token(page), "code": refused.code,
                                  "secret": VALID_PHONE})
    status = client.get(f"/ho-so/{refused.code}").get_data(as_text=True)
    assert "Bạn hài lòng với việc giải quyết hồ sơ?" in status
    import re
    key = re.search(r'name="client_id" value="([^"]+)"', status).group(1)
    response = client.post(f"/ho-so/{refused.code}/danh-gia", data={
        "csrf_token": csrf_token(status), "client_id": key, "level": "2", "comment": "Ổn"})
    assert response.status_code == 303
    after = client.get(f"/ho-so/{refused.code}").get_data(as_text=True)
    assert "Cảm ơn bạn đã đánh giá." in after and "Đánh giá của bạn" in after
    again = client.post(f"/ho-so/{refused.code}/danh-gia", data={
        "csrf_token": csrf_token(status), "client_id": new_key(), "level": "1"})
    assert again.status_code == 409
    assert "chỉ được đánh giá một lần" in again.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(Rating)).scalar_one() == 1
