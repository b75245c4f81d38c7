"""Items the server will not take as they are: a sign-in, a proof or a choice is needed.

DESIGN rule 4: 401/403 pause and ask to sign in, the queue stays; an idempotency conflict
is shown to the person and never retried blindly. Rule 5: a replay must not depend on a
token saved with the form. In each case nothing is dropped and nothing arrives twice.
"""

import pytest

from app.extensions import db
from app.models import Dossier, Procedure, Rating
from app.services import blobs, submissions, tracking, workflow
from app.services.actors import Actor
from app.services.uploads import inspect
from tests.browser.support import (
    OUTBOX,
    QUEUED,
    SETTLED_WAITING,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    wait_until,
)
from tests.helpers import VALID_PHONE, applicant, make_dossier, make_procedure, make_user, manifest

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
        page, app, procedure, small_files):
    with app.app_context():
        user = make_user(role="citizen", email="an@example.vn", name="Nguyễn Văn An")
        user_id = user.id
    refused = []

    def needs_signin(route):  # a server that takes this write only from a signed-in session
        if signed_in(app, route.request.header_value("cookie")):
            route.continue_()
            return
        refused.append(route.request.headers["idempotency-key"])
        route.fulfill(status=401, json={"error": "unauthorized",
                                        "message": "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."})

    page.route("**/api/v1/dossiers", needs_signin)
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    wait_until(page, f"document.querySelector('{QUEUED}')?.textContent === 'Cần đăng nhập lại'")
    item = wait_for_state(page, "attention", need="signin")
    assert item["error"]["status"] == 401 and dossiers(app) == []

    page.goto("/hop-thu-di")  # kept after a reload, which tries it again (a sign-in may have come)
    wait_until(page, "arg.length >= 2", arg=refused)
    wait_for_state(page, "attention", need="signin")  # refused again: still waiting for the person
    card = page.locator(".outbox-item[data-state=attention][data-need=signin]")
    card.wait_for()
    assert "Phiên đăng nhập đã hết hạn" in card.inner_text()
    assert page.locator("[data-outbox-count]").inner_text() == "1"
    assert set(refused) == {item["id"]}

    card.get_by_role("link", name="Đăng nhập lại").click()
    page.fill("#email", "an@example.vn")
    page.fill("#password", "mat-khau-cua-can-bo")
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_url("**/hop-thu-di")  # signing in ends with a full page load: it resends
    sent = wait_for_state(page, "sent")
    assert sent["id"] == item["id"] and set(refused) == {item["id"]}
    [dossier] = dossiers(app)
    assert dossier["client_id"] == item["id"] and dossier["code"] == sent["result"]["code"]
    with app.app_context():
        assert db.session.execute(db.select(Dossier.owner_id)).scalar_one() == user_id
        db.session.remove()
    page.locator(".outbox-item[data-state=sent]").wait_for()


def signed_in(app, cookies: str | None) -> bool:
    """Whether the Flask session in these cookies belongs to a signed-in account."""
    name = app.config["SESSION_COOKIE_NAME"]
    for part in (cookies or "").split(";"):
        key, _eq, value = part.strip().partition("=")
        if key == name:
            session = app.session_interface.get_signing_serializer(app).loads(value)
            return "_user_id" in session
    return False


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
        docs = []
        for i, path in enumerate(small_files):
            data = path.read_bytes()
            blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
            docs.append((i, data))
        db.session.commit()
        body = manifest(proc, docs, applicant=applicant(name="Nguyễn Văn Bình"))
        held, _created = submissions.create_dossier(body, item["id"])
        code = held.code
        db.session.remove()
    return item, code


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


@pytest.fixture
def refused_link(app):
    with app.app_context():
        dossier = make_dossier(make_procedure())
        workflow.refuse(dossier, Actor("user", "reception", None, "Cán bộ"), "Sai thẩm quyền")
        link = f"/ho-so/{dossier.code}?t={tracking.access_token(dossier)}"
        db.session.remove()
        return link


def _ratings(app) -> list[tuple[str, int]]:
    with app.app_context():
        rows = [(r.client_key, r.level) for r in db.session.execute(db.select(Rating)).scalars()]
        db.session.remove()
        return rows


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
    assert _ratings(app) == []

    page.goto("/hop-thu-di")
    card = page.locator(".outbox-item[data-need=proof]")
    card.wait_for()
    assert "đã hết hạn" in card.inner_text()
    card.get_by_label("Số điện thoại hoặc số định danh").fill("0987000111")  # not the applicant's
    card.get_by_role("button", name="Xác nhận và gửi lại").click()
    wait_until(page, "document.querySelector('.outbox-item[data-need=proof]')"
                     "?.textContent.includes('chưa khớp')")
    assert _ratings(app) == []

    page.locator(".outbox-item").get_by_label("Số điện thoại hoặc số định danh").fill(VALID_PHONE)
    page.locator(".outbox-item").get_by_role("button", name="Xác nhận và gửi lại").click()
    sent = wait_for_state(page, "sent")
    assert sent["id"] == item["id"]
    assert _ratings(app) == [(item["id"], 3)]
