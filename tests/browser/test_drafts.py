"""Drafts survive reloads and service-worker updates; the update waits for a quiet moment."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.support import (
    DRAFTS,
    QUEUED,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    wait_for_worker,
    wait_until,
)

pytestmark = pytest.mark.browser

def worker_version(page) -> str:
    return page.evaluate("""async () => (await caches.keys())
        .filter((n) => n.startsWith('motcua-shell-')).map((n) => n.slice(13)).join(',')""")


def test_draft_with_photo_survives_reload_and_worker_update(page, app, procedure, photos):
    open_form(page, procedure)
    wait_for_worker(page)
    first = worker_version(page)
    page.fill("#applicant-name", "Trần Thị Bình")
    page.fill("#fields-purpose", "Bổ sung hồ sơ")
    req = procedure["requirements"][1]
    page.set_input_files(f"#documents-{req}", str(photos[0]))
    wait_until(page, "(await (" + DRAFTS + ")()).some((d) => d.files.length === 1)", timeout=30)

    page.reload()
    wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
    assert page.locator("#applicant-name").input_value() == "Trần Thị Bình"
    assert page.locator(f"[data-requirement='{req}'] .file-name").inner_text() == "✓ IMG_0001.jpg"

    # A deploy: the worker's bytes change, the browser installs the new one, which waits.
    app.config["PWA_BUILD"] = "next deploy"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "!!(await navigator.serviceWorker.getRegistration()).waiting")
    page.wait_for_timeout(300)
    assert page.locator("[data-update-banner]").is_hidden()  # never in the middle of a form

    page.click("a.brand")  # somewhere quiet: now the offer shows
    banner = page.locator("[data-update-banner] button")
    banner.wait_for()
    assert banner.inner_text() == "Có phiên bản mới — tải lại"
    with page.expect_navigation():
        banner.click()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    assert worker_version(page) not in ("", first)  # old caches deleted on activate

    open_form(page, procedure)
    assert page.locator("#applicant-name").input_value() == "Trần Thị Bình"
    assert page.locator("#fields-purpose").input_value() == "Bổ sung hồ sơ"
    [draft] = page.evaluate(DRAFTS)
    [photo] = draft["files"]
    assert photo["sha256"] == photo["actual"] and photo["size"] < 600 * 1024


def test_without_a_service_worker_the_outbox_still_works(browser, live_server, app, procedure, small_files):
    """In-app browsers often have no service worker: drafts and the outbox work regardless."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, service_workers="block")
    try:
        page = context.new_page()
        open_form(page, procedure)
        assert page.evaluate("navigator.serviceWorker.controller") is None
        fill_apply_form(page, procedure, small_files)
        context.set_offline(True)
        page.click(SUBMIT)
        assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
        context.set_offline(False)
        wait_until(page, f"document.querySelector('{QUEUED}').textContent === 'Hồ sơ đã được gửi'",
                   timeout=30)
        assert len(dossiers(app)) == 1
    finally:
        context.close()
