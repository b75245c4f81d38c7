"""The outbox in a real browser: queued offline, sent exactly once whatever the network does."""

import pytest

from tests.browser.support import (
    OUTBOX,
    QUEUED,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    sent_code,
    wait_for_worker,
    wait_until,
)
from tests.factories import VALID_ID

pytestmark = pytest.mark.browser

def test_offline_dossier_with_two_photos_is_queued_then_arrives_once(page, context, procedure, app, photos):
    open_form(page, procedure)
    wait_for_worker(page)
    context.set_offline(True)
    page.reload()  # the form itself comes from the service worker
    wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
    fill_apply_form(page, procedure, photos)
    page.click(SUBMIT)

    assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
    assert page.locator("[data-outbox-count]").inner_text() == "1"
    [item] = page.evaluate(OUTBOX)
    assert item["state"] == "waiting" and len(item["blobs"]) == 2
    assert dossiers(app) == []

    uploads = []
    page.on("request", lambda r: "/api/v1/blobs/" in r.url and uploads.append(r.url.rsplit("/", 1)[1]))
    context.set_offline(False)  # the `online` event starts the sync
    code = sent_code(page)
    assert page.locator(QUEUED).inner_text() == "Hồ sơ đã được gửi"
    assert page.locator("[data-outbox-count]").is_hidden()

    [dossier] = dossiers(app)
    assert dossier["code"] == code and dossier["client_id"] == item["id"]
    sent = sorted(b["sha256"] for b in item["blobs"])
    assert sorted(d["sha256"] for d in dossier["documents"]) == sent == sorted(uploads)
    for doc, photo in zip(dossier["documents"], photos, strict=True):
        assert doc["size"] < 600 * 1024 < photo.stat().st_size


def test_connection_drop_during_first_upload_is_retried(page, procedure, app, small_files):
    puts = []

    def drop_first(route):
        puts.append(route.request.url)
        if len(puts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/blobs/*", drop_first)
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
    code = sent_code(page)  # retried on its own after about a second
    assert page.locator(QUEUED).inner_text() == "Hồ sơ đã được gửi"
    assert page.locator(".outbox-notice.queued .code").inner_text() == code
    assert [d["code"] for d in dossiers(app)] == [code]
    assert len(puts) == 3  # the dropped file again, the other file once


def test_two_server_errors_then_success(page, procedure, app, small_files):
    answers = []

    def fail_twice(route):
        answers.append(route.request.url)
        if len(answers) <= 2:
            route.fulfill(status=500, json={"error": "server_error", "message": "Hệ thống gặp sự cố."})
        else:
            route.continue_()

    page.route("**/api/v1/dossiers", fail_twice)
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
    code = sent_code(page)  # backoff 1 s, then 2 s
    assert len(answers) == 3
    assert [d["code"] for d in dossiers(app)] == [code]


def test_answer_lost_after_the_server_committed(page, procedure, app, small_files):
    seen = []

    def lose_first_answer(route):
        seen.append(route.request.headers["idempotency-key"])
        if len(seen) == 1:
            response = route.fetch()  # the server creates the dossier...
            assert response.status == 201
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    page.route("**/api/v1/dossiers", lose_first_answer)
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    code = sent_code(page)
    assert len(seen) == 2 and seen[0] == seen[1]  # the replay carried the same key
    [dossier] = dossiers(app)
    assert dossier["code"] == code


def test_refused_dossier_needs_attention_survives_reload_and_is_fixed(page, procedure, app, small_files):
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files, id_number="999203001234")
    page.click(SUBMIT)
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "không phải mã tỉnh" in summary.inner_text()
    assert page.locator(".field.has-error #applicant-id_number").count() == 1
    assert dossiers(app) == []

    page.reload()  # still there, still explained
    wait_until(page, "document.querySelector('.error-summary')")
    assert page.locator("#applicant-id_number").input_value() == "999203001234"
    page.goto("/hop-thu-di")
    card = page.locator(".outbox-item[data-state=attention]")
    card.wait_for()
    assert "Hồ sơ còn thông tin chưa hợp lệ." in card.inner_text()
    assert page.locator("[data-outbox-count]").inner_text() == "1"

    card.get_by_text("Sửa và gửi lại").click()
    wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
    # The item's files come back from IndexedDB a moment after the form is enhanced.
    first = procedure["requirements"][0]
    wait_until(page, f"document.querySelectorAll('[data-requirement=\"{first}\"] .file-name').length === 1")
    page.fill("#applicant-id_number", VALID_ID)
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?t=*", timeout=30000)
    [dossier] = dossiers(app)
    assert dossier["id_number"] == VALID_ID and len(dossier["documents"]) == 2
    [item] = page.evaluate(OUTBOX)
    assert item["state"] == "sent" and item["id"] == dossier["client_id"]


def test_double_tap_on_submit_makes_one_dossier(page, procedure, app, small_files):
    posts = []
    page.on("request", lambda r: r.url.endswith("/api/v1/dossiers") and posts.append(r))
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.locator(SUBMIT).dblclick()
    page.wait_for_url("**/bien-nhan?t=*", timeout=30000)
    assert len(dossiers(app)) == 1
    assert len(posts) == 1


def test_one_stuck_item_never_holds_back_the_others(page, context, procedure, app, small_files):
    open_form(page, procedure)
    wait_for_worker(page)
    context.set_offline(True)
    for name in ("Người thứ nhất", "Người thứ hai"):
        open_form(page, procedure)
        fill_apply_form(page, procedure, small_files)
        page.fill("#applicant-name", name)
        page.click(SUBMIT)
        page.locator(QUEUED).wait_for()
    keys = []

    def first_always_fails(route):
        keys.append(route.request.headers["idempotency-key"])
        if keys[-1] == keys[0]:
            route.fulfill(status=503, json={"error": "unavailable", "message": "Bảo trì."})
        else:
            route.continue_()

    page.route("**/api/v1/dossiers", first_always_fails)
    context.set_offline(False)  # whichever goes first fails for good; the other still goes
    wait_until(page, f"(await ({OUTBOX})()).some((i) => i.state === 'sent')", timeout=30)
    items = {i["id"]: i for i in page.evaluate(OUTBOX)}
    assert items[keys[0]]["state"] == "waiting" and items[keys[0]]["attempts"] >= 1
    [other] = [key for key in items if key != keys[0]]
    assert items[other]["state"] == "sent"
    [dossier] = dossiers(app)
    assert dossier["client_id"] == other


def test_refused_file_needs_attention_and_is_discarded_on_purpose(page, procedure, app, small_files):
    page.route("**/api/v1/blobs/*", lambda route: route.fulfill(
        status=413, json={"error": "too_large", "message": "Tệp quá lớn; mỗi tệp tối đa 10 MB."}))
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    page.locator(".error-summary").wait_for()
    field = page.locator(f"[data-requirement='{procedure['requirements'][0]}']")
    assert "Tệp quá lớn" in field.locator("p.error").inner_text()  # the reason, by the file

    page.goto("/hop-thu-di")
    card = page.locator(".outbox-item[data-state=attention]")
    card.wait_for()
    page.once("dialog", lambda dialog: dialog.dismiss())  # not by accident...
    card.get_by_role("button", name="Bỏ hồ sơ này").click()
    assert card.is_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # ...only on purpose
    card.get_by_role("button", name="Bỏ hồ sơ này").click()
    page.get_by_text("Hộp thư đi đang trống.").wait_for()
    assert page.evaluate(OUTBOX) == [] and dossiers(app) == []


def test_failures_are_sorted_and_retries_back_off_as_design_rule_4_says(page):
    page.goto("/offline")
    got = page.evaluate("""async () => {
        const { classify } = await import('/static/js/send.js');
        const { backoff } = await import('/static/js/backoff.js');
        const kinds = {};
        const statuses = [0, 408, 429, 500, 502, 503, 401, 403, 400, 404, 409, 413, 415, 422];
        for (const s of statuses) kinds[s] = classify(s);
        const waits = [1, 2, 3, 9, 10, 30].map((n) => backoff(n) / 1000);
        return { kinds, waits };
    }""")
    by_kind = {}
    for status, kind in got["kinds"].items():
        by_kind.setdefault(kind, set()).add(int(status))
    assert by_kind == {"retry": {0, 408, 429, 500, 502, 503}, "signin": {401, 403},
                       "attention": {400, 404, 409, 413, 415, 422}}
    for wait, plain in zip(got["waits"], [1, 2, 4, 256, 300, 300], strict=True):
        assert 0.8 * plain <= wait <= min(300, 1.2 * plain)
