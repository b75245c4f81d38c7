"""Items the server will not take as they are: a sign-in, a proof or a choice is needed.

DESIGN rule 4: 401/403 pause and ask to sign in, the queue stays; an idempotency conflict
is shown to the person and never retried blindly. Rule 5: a replay must not depend on a
token saved with the form. In each case nothing is dropped and nothing arrives twice.
"""

import pytest
from sqlalchemy import update

from app.extensions import db
from app.lib.time import utcnow
from app.models import Dossier, Procedure, UserSession
from app.services.dossiers import tracking
from tests.browser.support import (
    OUTBOX,
    QUEUED,
    SETTLED_WAITING,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    ratings,
    wait_until,
)
from tests.factories import VALID_PHONE, applicant, make_user, manifest, sha

pytestmark = pytest.mark.browser

SYNC = "(async () => { await (await import('/static/js/sync.js')).flush({ force: true }); return true; })()"


def one_item(page) -> dict:
    [item] = page.evaluate(OUTBOX)
    return item


def wait_for_state(page, state: str, need: str | None = None) -> dict:
    """Wait until the outbox holds one item, in `state` (and needing `need`); return it."""
    item = wait_until(page, "((items) => items.length === 1 && items[0].state === arg && items[0])"
                            "(await (" + OUTBOX + ")())", timeout=30, arg=state)
    assert need is None or item["need"] == need, item
    return item


def test_expired_session_asks_to_sign_in_keeps_the_item_and_sends_it_once_signed_in(
        page, context, app, procedure, small_files):
    with app.app_context():
        user = make_user(role="citizen", email="an@example.vn", name="Nguyễn Văn An")
        user_id = user.id
        db.session.remove()
    sign_in_page(page, "an@example.vn")
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    context.set_offline(True)  # queued while signed in, with no signal
    page.click(SUBMIT)
    [item] = wait_until(page, SETTLED_WAITING)

    posts = []
    page.on("request", lambda r: r.url.endswith("/api/v1/dossiers") and posts.append(r.method))
    with app.app_context():  # the session ends (its lifetime, a new password) before the signal is back
        db.session.execute(update(UserSession).values(revoked_at=utcnow()))
        db.session.commit()
        db.session.remove()
    context.set_offline(False)
    refused = wait_for_state(page, "attention", need="signin")
    assert (refused["error"]["status"], refused["error"]["error"]) == (401, "signin_required")
    assert dossiers(app) == []

    # The phone is signed out now: An's item is kept, but neither shown to whoever holds the
    # phone nor tried again without An (tests/browser/test_shared_phone.py); only counted.
    page.goto("/hop-thu-di")
    note = page.locator("[data-others]")
    note.wait_for()
    assert "1 mục chưa gửi" in note.inner_text()
    assert page.locator(".outbox-item").count() == 0 and posts == ["POST"]
    assert dossiers(app) == []

    note.get_by_role("link", name="Đăng nhập").click()
    page.fill("#email", "an@example.vn")
    page.fill("#password", "mat-khau-cua-can-bo")
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_url("**/hop-thu-di")  # signing in ends with a full page load: it resends
    sent = wait_for_state(page, "sent")
    assert sent["id"] == item["id"]
    [dossier] = dossiers(app)
    assert dossier["client_id"] == item["id"] and dossier["code"] == sent["result"]["code"]
    with app.app_context():
        assert db.session.execute(db.select(Dossier.owner_id)).scalar_one() == user_id
        db.session.remove()
    page.locator(".outbox-item[data-state=sent]").wait_for()


def sign_in_page(page, email: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", "mat-khau-cua-can-bo")
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_selector("body[data-account]", state="attached")


def _queue_under_a_key_the_server_already_holds(page, context, app, procedure, small_files):
    """Queue a dossier offline; meanwhile the server holds other content under its key.

    However that came about (an answer lost before the person changed the item, a deploy
    that changed what validates), the device must not send a second dossier on its own.
    """
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    context.set_offline(True)
    page.click(SUBMIT)
    assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
    [item] = wait_until(page, SETTLED_WAITING)
    with app.app_context():
        proc = db.session.execute(db.select(Procedure).filter_by(code=procedure["code"])).scalar_one()
        docs = [(i, path.read_bytes()) for i, path in enumerate(small_files)]
        body = manifest(proc, docs, applicant=applicant(name="Nguyễn Văn Bình"))
        db.session.remove()
    # Sent by this very browser (its cookies, not the offline page): only to it does the
    # conflict name the dossier the server holds (a stranger's would say nothing), and its
    # files are held for it only once it uploaded them (services/files/claims.py).
    for _i, data in docs:
        put = page.request.put(f"/api/v1/blobs/{sha(data)}", data=data,
                               headers={"Content-Type": "application/octet-stream"})
        assert put.status in (200, 201), put.text()
    held = page.request.post("/api/v1/dossiers", data=body, headers={"Idempotency-Key": item["id"]})
    assert held.status == 201, held.text()
    return item, held.json()["code"]


def _conflict(page, context, app, procedure, small_files) -> tuple[dict, str, list]:
    item, code = _queue_under_a_key_the_server_already_holds(page, context, app, procedure, small_files)
    posts = []
    page.on("request", lambda r: r.url.endswith("/api/v1/dossiers")
            and posts.append(r.headers["idempotency-key"]))
    context.set_offline(False)
    failed = wait_for_state(page, "attention", need="conflict")
    assert failed["error"]["status"] == 409 and failed["error"]["details"] == {"code": code}

    page.goto("/hop-thu-di")
    card = page.locator(".outbox-item[data-need=conflict]")
    card.wait_for()
    assert code in card.inner_text()
    page.click("[data-flush]")  # "Gửi ngay" does not retry it blindly
    assert page.evaluate(SYNC)
    assert posts == [item["id"]]
    return item, code, posts


def test_conflict_is_shown_and_the_person_keeps_the_dossier_the_server_holds(
        page, context, app, procedure, small_files):
    item, code, posts = _conflict(page, context, app, procedure, small_files)
    page.locator(".outbox-item").get_by_role("button", name=f"Giữ hồ sơ {code}").click()
    sent = wait_for_state(page, "sent")
    assert sent["id"] == item["id"] and sent["result"]["code"] == code
    assert page.locator(".outbox-item[data-state=sent] .code").inner_text() == code
    assert [d["code"] for d in dossiers(app)] == [code]
    assert posts == [item["id"]]


def test_conflict_sends_the_device_copy_as_a_new_dossier_only_when_asked(
        page, context, app, procedure, small_files):
    item, code, posts = _conflict(page, context, app, procedure, small_files)
    button = page.locator(".outbox-item").get_by_role("button", name="Gửi bản này thành hồ sơ mới")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    button.click()
    assert page.evaluate(SYNC) and posts == [item["id"]]  # not asked twice: nothing sent
    assert code in questions[0]
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    sent = wait_for_state(page, "sent")
    assert sent["id"] != item["id"] and posts == [item["id"], sent["id"]]
    by_key = {d["client_id"]: d for d in dossiers(app)}
    assert by_key[item["id"]]["code"] == code and by_key[item["id"]]["name"] == "Nguyễn Văn Bình"
    assert by_key[sent["id"]]["name"] == "Nguyễn Văn An" and len(by_key[sent["id"]]["documents"]) == 2


def test_rating_queued_with_a_link_that_expired_asks_for_the_phone_and_arrives_once(
        page, context, app, refused_link, monkeypatch):
    page.goto(refused_link)
    page.wait_for_selector("form#rating-form[data-enhanced]", state="attached")
    page.check("input[name=level][value='3']")
    context.set_offline(True)
    page.click("#rating-form button[type=submit]")
    [item] = wait_until(page, SETTLED_WAITING)

    monkeypatch.setattr(tracking, "RECEIPT_MAX_AGE", -1)  # the 90 days went by before a signal came
    context.set_offline(False)
    refused = wait_for_state(page, "attention", need="proof")
    assert (refused["error"]["status"], refused["error"]["error"]) == (403, "link_expired")
    assert ratings(app) == []

    page.goto("/hop-thu-di")
    card = page.locator(".outbox-item[data-need=proof]")
    card.wait_for()
    assert "đã hết hạn" in card.inner_text()
    card.get_by_label("Số điện thoại hoặc số định danh").fill("0987000111")  # not the applicant's
    card.get_by_role("button", name="Xác nhận và gửi lại").click()
    wait_until(page, "document.querySelector('.outbox-item[data-need=proof]')"
                     "?.textContent.includes('chưa khớp')")
    assert ratings(app) == []

    page.locator(".outbox-item").get_by_label("Số điện thoại hoặc số định danh").fill(VALID_PHONE)
    page.locator(".outbox-item").get_by_role("button", name="Xác nhận và gửi lại").click()
    sent = wait_for_state(page, "sent")
    assert sent["id"] == item["id"]
    assert ratings(app) == [(item["id"], 3)]
