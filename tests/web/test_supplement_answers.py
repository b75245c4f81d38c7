"""Who may answer a supplement request, and when: the outbox API and the plain form alike.

The outbox replays an answer long after the page is gone, so the API takes the page's signed
link (or the phone / ID number) in the body; a replay answers as the first time, a key used
for other content is a conflict, and an answer to a round already answered is refused in
Vietnamese with nothing stored. Past the deadline an answer is still taken (one made offline
in time may only arrive after it): the page warns, and staff see it came late.
"""

import io
import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.models import Document, Dossier, SupplementRequest
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers import supplements
from app.services.dossiers.tracking import access_token
from tests.factories import make_dossier, make_procedure, make_user, new_key, pdf_bytes, sha
from tests.helpers import csrf_token, fresh_client, put_blob, sign_in


@pytest.fixture
def officer(ctx):
    return Actor.of(make_user("reception"))


@pytest.fixture
def waiting(officer):
    """An accepted dossier whose first supplement request is open."""
    dossier = make_dossier(make_procedure())
    workflow.accept(dossier, officer)
    workflow.request_supplement(dossier, officer, "Giấy khai sinh", date(2099, 1, 1))
    return dossier


@pytest.fixture
def blob(client):
    data = pdf_bytes("khai sinh")
    put_blob(client, data)
    return {"sha256": sha(data), "name": "khai-sinh.pdf"}


def post(client, dossier, body: dict, key: str, token: str | None = None):
    body = {"token": token or access_token(dossier), **body}
    return client.post(f"/api/v1/dossiers/{dossier.code}/supplements", json=body,
                       headers={"Idempotency-Key": key})


def documents(dossier) -> int:
    """How many documents answer a supplement round (the initial ones not counted)."""
    return db.session.execute(db.select(db.func.count()).select_from(Document)
                              .filter_by(dossier_id=dossier.id)
                              .where(Document.round != "initial")).scalar_one()


def open_round(dossier) -> SupplementRequest | None:
    db.session.expire_all()
    return workflow.open_supplement(db.session.get(Dossier, dossier.id))


def test_a_replay_answers_the_same_and_stores_nothing_twice(client, waiting, blob):
    key, body = new_key(), {"documents": [blob], "note": "Bản sao", "supplement": 1}
    first = post(client, waiting, body, key)
    assert first.status_code == 201, first.json
    again = post(client, waiting, body, key)
    assert again.status_code == 200 and again.json == first.json
    assert documents(waiting) == 1 and open_round(waiting) is None


def test_the_same_key_with_another_body_is_a_conflict_in_vietnamese(client, waiting, blob):
    key = new_key()
    assert post(client, waiting, {"documents": [blob], "supplement": 1}, key).status_code == 201
    conflict = post(client, waiting, {"documents": [blob], "note": "khác", "supplement": 1}, key)
    assert conflict.status_code == 409 and conflict.json["error"] == "idempotency_conflict"
    assert "Mã gửi này đã được dùng" in conflict.json["message"]
    assert documents(waiting) == 1
    [request] = db.session.execute(db.select(SupplementRequest).filter_by(dossier_id=waiting.id)).scalars()
    assert request.answer_note == ""  # by dossier, not id 1: PostgreSQL's ids do not restart


def test_another_persons_dossier_is_refused(client, waiting, blob, officer):
    other = make_dossier(waiting.procedure)
    workflow.accept(other, officer)
    workflow.request_supplement(other, officer, "Giấy khai sinh", date(2099, 1, 1))
    # The link of my dossier does not open theirs; nor does a guessed phone number.
    for proof in ({"token": access_token(waiting)}, {"token": "", "secret": "0912000000"}):
        response = client.post(f"/api/v1/dossiers/{other.code}/supplements",
                               json={**proof, "documents": [blob]}, headers={"Idempotency-Key": new_key()})
        assert response.status_code == 404 and response.json["error"] == "not_found"
    assert documents(other) == 0 and open_round(other) is not None


def test_no_proof_at_all_is_refused(client, waiting, blob):
    response = client.post(f"/api/v1/dossiers/{waiting.code}/supplements", json={"documents": [blob]},
                           headers={"Idempotency-Key": new_key()})
    assert response.status_code == 404 and open_round(waiting) is not None


def test_an_answered_round_refuses_a_second_answer_but_replays_the_first(client, waiting, blob):
    first_key = new_key()
    assert post(client, waiting, {"documents": [blob], "supplement": 1}, first_key).status_code == 201
    second = post(client, waiting, {"documents": [blob], "note": "lần nữa", "supplement": 1}, new_key())
    assert second.status_code == 409 and second.json["error"] == "wrong_status"
    assert "đã được trả lời" in second.json["message"]
    assert post(client, waiting, {"documents": [blob], "supplement": 1}, first_key).status_code == 200
    assert documents(waiting) == 1


def test_an_answer_queued_for_round_one_never_lands_in_round_two(client, waiting, blob, officer):
    supplements.answer(waiting, {"documents": [blob]}, new_key(), officer)  # papers at the counter
    workflow.request_supplement(db.session.get(Dossier, waiting.id), officer, "Sổ hộ khẩu", date(2099, 1, 1))
    late = post(client, waiting, {"documents": [blob], "supplement": 1}, new_key())
    assert late.status_code == 409 and "đã được trả lời" in late.json["message"]
    assert open_round(waiting).number == 2 and documents(waiting) == 1


def _expire(dossier) -> None:
    request = open_round(dossier)
    request.deadline = local_today() - timedelta(days=1)
    db.session.commit()


def _staff_page(app, dossier) -> str:
    staff = fresh_client(app)
    sign_in(staff, make_user("reception"))
    return staff.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)


def test_past_the_deadline_the_answer_is_taken_once_and_staff_see_it_came_late(app, client, waiting, blob):
    _expire(waiting)
    key, body = new_key(), {"documents": [blob], "note": "Muộn một ngày", "supplement": 1}
    late = post(client, waiting, body, key)
    assert late.status_code == 201, late.json
    assert open_round(waiting) is None and documents(waiting) == 1
    # The outbox lost the reply and sends it again: the same answer, nothing stored twice.
    again = post(client, waiting, body, key)
    assert again.status_code == 200 and again.json == late.json
    # Another device's answer for the same round is still refused: the round is answered.
    other = post(client, waiting, {"documents": [blob], "note": "lần nữa", "supplement": 1}, new_key())
    assert other.status_code == 409 and "đã được trả lời" in other.json["message"]
    assert documents(waiting) == 1
    html = _staff_page(app, waiting)
    assert html.count("nộp sau hạn") == 1 and "Bổ sung lần 1" in html


def test_an_answer_in_time_is_not_said_late(app, client, waiting, blob):
    assert post(client, waiting, {"documents": [blob], "supplement": 1}, new_key()).status_code == 201
    html = _staff_page(app, waiting)
    assert "Bổ sung lần 1" in html and "nộp sau hạn" not in html


def test_the_deadline_day_itself_still_counts(app, client, waiting, blob):
    request = open_round(waiting)
    request.deadline = local_today()
    db.session.commit()
    assert "Đã quá hạn bổ sung" not in _form(client, waiting)
    assert post(client, waiting, {"documents": [blob], "supplement": 1}, new_key()).status_code == 201
    assert "nộp sau hạn" not in _staff_page(app, waiting)


def _form(client, dossier) -> str:
    return client.get(f"/ho-so/{dossier.code}/bo-sung?t={access_token(dossier)}").get_data(as_text=True)


def test_the_plain_form_names_its_round_and_what_the_outbox_needs(client, waiting):
    form = _form(client, waiting)
    assert 'name="supplement" value="1"' in form
    assert f'data-supplement-api="/api/v1/dossiers/{waiting.code}/supplements"' in form
    assert re.search(r'data-token="[^"]+"', form) and 'data-requirement="files"' in form


def test_the_plain_form_past_the_deadline_warns_and_still_sends(client, waiting):
    _expire(waiting)
    form = _form(client, waiting)
    deadline = (local_today() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"Đã quá hạn bổ sung ({deadline}). Bạn vẫn có thể gửi" in form
    assert 'id="supplement-form"' in form
    key = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
    answer = client.post(f"/ho-so/{waiting.code}/bo-sung", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form), "client_id": key, "supplement": "1",
        "files": (io.BytesIO(pdf_bytes("muộn")), "muon.pdf")})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("?sent=bo-sung")
    assert documents(waiting) == 1 and open_round(waiting) is None


def test_the_plain_form_after_the_round_was_answered_says_so(client, waiting, blob, officer):
    form = _form(client, waiting)
    supplements.answer(waiting, {"documents": [blob]}, new_key(), officer)  # at the counter meanwhile
    key = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
    answer = client.post(f"/ho-so/{waiting.code}/bo-sung", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form), "client_id": key, "supplement": "1",
        "files": (io.BytesIO(pdf_bytes("muộn")), "muon.pdf")}, follow_redirects=True)
    assert answer.status_code == 200 and "đã được trả lời" in answer.get_data(as_text=True)
    assert documents(waiting) == 1
