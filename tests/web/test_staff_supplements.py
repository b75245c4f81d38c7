"""Answering a supplement request: the outbox API (exactly once) and the citizen's plain form."""

import io
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Document, Dossier, Status, SupplementRequest
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from tests.factories import (
    VALID_ID,
    VALID_PHONE,
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    new_key,
    pdf_bytes,
    sha,
)
from tests.helpers import csrf_token, put_blob


@pytest.fixture
def waiting(ctx):
    """An accepted dossier waiting for a supplement."""
    proc = make_procedure()
    rec = Actor.of(make_user("reception"))
    dossier = make_dossier(proc)
    workflow.accept(dossier, rec)
    workflow.request_supplement(dossier, rec, "Giấy khai sinh", date(2099, 1, 1))
    return dossier


def answer(client, code: str, body: dict, key: str):
    return client.post(f"/api/v1/dossiers/{code}/supplements", json=body, headers={"Idempotency-Key": key})


def count_docs(dossier_id: int) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Document)
                              .filter_by(dossier_id=dossier_id)).scalar_one()


def test_answer_once_replay_and_conflict(client, waiting):
    data = pdf_bytes("khai sinh")
    put_blob(client, data)
    body, key = {"secret": VALID_ID, "documents": [{"sha256": sha(data), "name": "khai-sinh.pdf"}]}, new_key()
    before = count_docs(waiting.id)
    first = answer(client, waiting.code, body, key)
    assert first.status_code == 201, first.json
    assert first.json["status"] == Status.ACCEPTED and first.json["supplement"] == 1
    assert answer(client, waiting.code, body, key).status_code == 200
    conflict = answer(client, waiting.code, body | {"note": "khác"}, key)
    assert conflict.status_code == 409 and conflict.json["error"] == "idempotency_conflict"
    assert count_docs(waiting.id) == before + 1
    request = db.session.execute(db.select(SupplementRequest)).scalar_one()
    assert request.answer_key == key and request.answered_at is not None
    assert db.session.get(Dossier, waiting.id).status == Status.ACCEPTED


def test_blobs_first_then_the_answer(client, waiting):
    data = jpeg_bytes(color=(9, 9, 9))
    body, key = {"secret": VALID_PHONE, "documents": [{"sha256": sha(data)}]}, new_key()
    missing = answer(client, waiting.code, body, key)
    assert missing.status_code == 409 and missing.json["details"]["missing"] == [sha(data)]
    put_blob(client, data)
    assert answer(client, waiting.code, body, key).status_code == 201


def test_signed_link_also_authorises(client, waiting):
    data = pdf_bytes()
    put_blob(client, data)
    body = {"token": access_token(waiting), "documents": [{"sha256": sha(data)}]}
    assert answer(client, waiting.code, body, new_key()).status_code == 201


@pytest.mark.parametrize(("body", "headers", "status", "error"), [
    ({"secret": "0999999999"}, {"Idempotency-Key": "x"}, 400, "idempotency_key_required"),
    ({"secret": "0999999999", "documents": []}, None, 404, "not_found"),
    ({"token": "forged", "documents": []}, None, 404, "not_found"),
    ({"secret": VALID_PHONE, "documents": []}, None, 422, "invalid"),
])
def test_refusals(client, waiting, body, headers, status, error):
    response = client.post(f"/api/v1/dossiers/{waiting.code}/supplements", json=body,
                           headers=headers or {"Idempotency-Key": new_key()})
    assert response.status_code == status and response.json["error"] == error
    assert db.session.get(Dossier, waiting.id).status == Status.SUPPLEMENT


def test_no_open_request_is_a_conflict(client, ctx):
    dossier = make_dossier(make_procedure())
    data = pdf_bytes()
    put_blob(client, data)
    response = answer(client, dossier.code, {"secret": VALID_PHONE, "documents": [{"sha256": sha(data)}]},
                      new_key())
    assert response.status_code == 409 and response.json["error"] == "wrong_status"


def test_citizen_form_refuses_a_bad_file_and_keeps_the_request_open(client, waiting):
    page = client.get(f"/ho-so/{waiting.code}?t={access_token(waiting)}").get_data(as_text=True)
    assert "Xem yêu cầu và bổ sung" in page
    form = client.get(f"/ho-so/{waiting.code}/bo-sung").get_data(as_text=True)
    assert "Giấy khai sinh" in form and "01/01/2099" in form
    key = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
    bad = client.post(f"/ho-so/{waiting.code}/bo-sung", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form), "client_id": key,
        "files": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "virus.pdf")})
    assert bad.status_code == 415 and "không phải tệp PDF, JPEG hoặc PNG" in bad.get_data(as_text=True)
    empty = client.post(f"/ho-so/{waiting.code}/bo-sung",
                        data={"csrf_token": csrf_token(form), "client_id": key})
    assert empty.status_code == 422 and "Cần từ 1 đến 30 tệp" in empty.get_data(as_text=True)
    assert db.session.get(Dossier, waiting.id).status == Status.SUPPLEMENT


def test_supplement_page_needs_the_code_check(client, waiting):
    assert client.get(f"/ho-so/{waiting.code}/bo-sung").status_code == 404
