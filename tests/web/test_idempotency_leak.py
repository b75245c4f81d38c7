"""An Idempotency-Key is not a credential (issue 9.6): a replay shows a dossier only to its sender.

The attacks: someone learns another person's key (a shared phone, a log, a tracking answer)
and sends it with any payload, or with the very payload, hoping the answer names the dossier
(its code, its signed receipt link). The browser or account that sent it, or whoever proves
the dossier (signed link, phone or ID number), still gets its replay; anybody else gets one
409 `idempotency_conflict` that says nothing, whether their payload matched or not.
"""

import io
from datetime import date

import pytest

from app.extensions import db
from app.models import Dossier, PostalRequest, Rating, SupplementRequest
from app.models.postal import PostalChange
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from tests.factories import (
    VALID_ID,
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
    png_bytes,
    sha,
)
from tests.helpers import client_id_of, csrf_token, fresh_client, post_dossier, put_blob, sign_in
from tests.postal_helpers import post_postal, postal_body
from tests.web.test_apply_form import form_for

OFFICER = Actor("user", "reception", None, "Cán bộ tiếp nhận")


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def says_nothing(answer, *codes: str) -> None:
    """The answer is the bare conflict: no code, no link, no status of anybody's dossier."""
    assert answer.status_code == 409 and answer.json["error"] == "idempotency_conflict"
    assert answer.json["details"] is None
    text = answer.get_data(as_text=True)
    assert not [c for c in codes if c in text] and "t=" not in text and "status" not in answer.json


@pytest.fixture
def sent(app, ctx):
    """A dossier sent from one browser: (that browser, its body, its key, its code)."""
    proc = make_procedure()
    browser = fresh_client(app)
    a, b = jpeg_bytes(), png_bytes()
    put_blob(browser, a)
    put_blob(browser, b)
    body, key = manifest(proc, [(0, a), (1, b)]), new_key()
    created = post_dossier(browser, body, key)
    assert created.status_code == 201
    return browser, body, key, created.json["code"]


def test_a_stranger_reusing_a_key_learns_nothing_with_any_payload_or_the_very_one(app, sent):
    _browser, body, key, code = sent
    stranger = fresh_client(app)
    other = post_dossier(stranger, body | {"fields": {"purpose": "Khác", "copies": 3}}, key)
    same = post_dossier(stranger, body, key)  # knows the whole payload: still no signed link
    for answer in (other, same):
        says_nothing(answer, code)
    assert other.json == same.json  # the same answer: nothing tells which payload matched
    broken = post_dossier(stranger, body | {"procedure": "9.999999"}, key)  # one that no longer validates
    says_nothing(broken, code)
    assert count(Dossier) == 1


def test_the_browser_that_sent_it_gets_its_code_again_even_after_a_lost_answer(app, sent):
    browser, body, key, code = sent
    replay = post_dossier(browser, body, key)
    assert replay.status_code == 200 and replay.json["code"] == code
    assert browser.get(replay.json["receipt_url"]).status_code == 200
    # The first answer never arrived: the browser's cookie is the one it had before sending.
    other_tab = fresh_client(app)
    with other_tab.session_transaction() as tab, browser.session_transaction() as before:
        tab.update(before)
    body2, key2 = body | {"fields": {"purpose": "Lần hai", "copies": 1}}, new_key()
    assert post_dossier(browser, body2, key2).status_code == 201
    again = post_dossier(other_tab, body2, key2)
    assert again.status_code == 200 and again.json["code"].endswith("-0002")
    # Its own key with other content: the conflict names its dossier, so it can keep that one.
    changed = post_dossier(browser, body | {"fields": {"purpose": "Sửa", "copies": 1}}, key)
    assert changed.status_code == 409 and changed.json["details"] == {"code": code}


def test_a_browser_is_named_before_it_sends_and_a_visitor_without_cookies_gets_none(app, ctx):
    proc = make_procedure()
    visitor = fresh_client(app)
    for url in ("/", f"/thu-tuc/{proc.code}", "/api/v1/procedures"):
        assert "Set-Cookie" not in visitor.get(url).headers  # what the worker caches is nobody's
    form, uploader = fresh_client(app), fresh_client(app)
    assert "Set-Cookie" in form.get(f"/thu-tuc/{proc.code}/nop").headers  # its CSRF token, and a name
    put_blob(uploader, jpeg_bytes())  # the files go before the dossier
    for browser in (form, uploader):
        with browser.session_transaction() as session:
            assert len(session["sender"]) == 32


def test_the_owner_account_gets_its_dossier_from_another_browser_another_account_does_not(app, ctx):
    proc = make_procedure()
    owner, other = make_user("citizen", email="an@example.vn"), make_user("citizen", email="binh@example.vn")
    phone = fresh_client(app)
    sign_in(phone, owner)
    a = pdf_bytes("đơn")
    put_blob(phone, a)
    body, key = manifest(proc, [(0, a), (1, a)]), new_key()
    code = post_dossier(phone, body, key).json["code"]
    laptop = fresh_client(app)
    sign_in(laptop, owner)
    replay = post_dossier(laptop, body, key)
    assert replay.status_code == 200 and replay.json["code"] == code
    someone = fresh_client(app)
    sign_in(someone, other)
    says_nothing(post_dossier(someone, body, key), code)


def test_the_plain_form_shows_a_stranger_no_receipt(app, ctx):
    proc = make_procedure()
    owner, stranger = fresh_client(app), fresh_client(app)
    data, _page = form_for(owner, proc)
    sent = owner.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert sent.status_code == 303
    code = db.session.execute(db.select(Dossier.code)).scalar_one()
    copied, _page = form_for(stranger, proc, client_id=data["client_id"])  # the same content, their session
    answer = stranger.post(f"/thu-tuc/{proc.code}/nop", data=copied)
    assert answer.status_code == 409 and code not in answer.get_data(as_text=True)
    assert stranger.get(f"/ho-so/{code}/bien-nhan").status_code == 404  # nothing was granted
    assert owner.post(f"/thu-tuc/{proc.code}/nop", data=form_for(
        owner, proc, client_id=data["client_id"])[0]).status_code == 303  # the owner's double submit
    assert count(Dossier) == 1


def test_a_double_submit_at_the_counter_still_opens_the_dossier(app, ctx):
    proc = make_procedure()
    officer = fresh_client(app)
    sign_in(officer, make_user("reception", email="tn@example.vn"))
    page = officer.get(f"/staff/tiep-nhan/{proc.code}").get_data(as_text=True)

    def form() -> dict:
        return {"csrf_token": csrf_token(page), "client_id": client_id_of(page),
                "applicant.name": "Phan Văn Quầy", "applicant.id_number": VALID_ID,
                "applicant.phone": "0912 345 678", "applicant.address": "1 Hùng Vương, Tây Ninh",
                "fields.purpose": "Bổ sung hồ sơ", "fields.copies": "2", "return_method": "counter",
                f"documents.{proc.requirements[0].id}": (io.BytesIO(pdf_bytes("tờ khai")), "to-khai.pdf"),
                f"documents.{proc.requirements[1].id}": (io.BytesIO(jpeg_bytes()), "can-cuoc.jpg")}

    url = f"/staff/tiep-nhan/{proc.code}"
    first = officer.post(url, data=form(), content_type="multipart/form-data")
    second = officer.post(url, data=form(), content_type="multipart/form-data")
    assert first.status_code == second.status_code == 303 and first.location == second.location
    assert count(Dossier) == 1


def test_postal_requests_replay_only_to_the_dossier_proven(app, ctx):
    proc = make_procedure()
    mine, theirs = make_dossier(proc), make_dossier(proc)
    client, key = fresh_client(app), new_key()
    first = post_postal(client, mine.code, postal_body(token=access_token(mine)), key)
    assert first.status_code == 201
    replay = post_postal(client, mine.code, postal_body(token=access_token(mine)), key)
    assert replay.status_code == 200 and "t=" in replay.json["receipt_url"]
    # A stranger proving their own dossier, with the key of someone else's request.
    for body in (postal_body(token=access_token(theirs)), postal_body(token=access_token(theirs), note="x")):
        says_nothing(post_postal(client, theirs.code, body, key), mine.code)
    assert count(PostalRequest) == 1


def test_postal_changes_replay_only_to_the_request_they_changed(app, ctx):
    proc = make_procedure()
    mine, theirs = make_dossier(proc), make_dossier(proc)
    client = fresh_client(app)
    ids = {}
    for dossier in (mine, theirs):
        made = post_postal(client, dossier.code, postal_body(token=access_token(dossier)))
        ids[dossier.code] = made.json["request_id"]
    key = new_key()
    body = postal_body(street="5 Tràng Tiền")

    def change(dossier):
        return client.post(f"/api/v1/dossiers/{dossier.code}/postal-requests/{ids[dossier.code]}/change",
                           json=body | {"token": access_token(dossier)}, headers={"Idempotency-Key": key})

    assert change(mine).status_code == 200 and change(mine).status_code == 200
    says_nothing(change(theirs), mine.code)
    assert count(PostalChange) == 1
    assert db.session.get(PostalRequest, ids[theirs.code]).street == "12 Lê Lợi"


def _waiting(proc) -> Dossier:
    dossier = make_dossier(proc)
    workflow.accept(dossier, OFFICER)
    workflow.request_supplement(dossier, OFFICER, "Giấy khai sinh", date(2099, 1, 1))
    return dossier


def test_supplement_answers_replay_only_to_the_dossier_proven(app, ctx):
    proc = make_procedure()
    mine, theirs = _waiting(proc), _waiting(proc)
    client, key, data = fresh_client(app), new_key(), pdf_bytes("khai sinh")
    put_blob(client, data)
    docs = [{"sha256": sha(data), "name": "khai-sinh.pdf"}]

    def answer(dossier):
        return client.post(f"/api/v1/dossiers/{dossier.code}/supplements", headers={"Idempotency-Key": key},
                           json={"token": access_token(dossier), "documents": docs})

    assert answer(mine).status_code == 201 and answer(mine).status_code == 200
    says_nothing(answer(theirs), mine.code)
    assert db.session.execute(db.select(SupplementRequest.answered_at)
                              .filter_by(dossier_id=theirs.id)).scalar_one() is None


def test_ratings_replay_only_to_the_dossier_proven(app, ctx):
    proc = make_procedure()
    mine, theirs = make_dossier(proc), make_dossier(proc)
    for dossier in (mine, theirs):
        workflow.refuse(dossier, OFFICER, "Không thuộc thẩm quyền")
    client, key = fresh_client(app), new_key()

    def rate(dossier):
        return client.post(f"/api/v1/dossiers/{dossier.code}/rating", headers={"Idempotency-Key": key},
                           json={"token": access_token(dossier), "level": 3, "comment": "Nhanh"})

    assert rate(mine).status_code == 201 and rate(mine).status_code == 200
    says_nothing(rate(theirs), mine.code)  # was a RecursionError (500): it retried itself forever
    assert count(Rating) == 1
