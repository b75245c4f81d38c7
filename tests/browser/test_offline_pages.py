"""Installable, and readable with no signal: shell, catalogue and forms from the worker."""

import pytest

from tests.browser.conftest import persistent_context
from tests.browser.support import wait_for_worker

pytestmark = pytest.mark.browser


def test_installability_check_reports_no_errors(playwright, live_server, tmp_path):
    context = persistent_context(playwright, tmp_path / "profile", live_server)
    try:
        page = context.new_page()
        page.goto("/")
        wait_for_worker(page, warmed=False)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"].endswith("/manifest.webmanifest")
    finally:
        context.close()


def test_shell_catalogue_and_form_open_offline(page, context, procedure):
    page.goto("/")
    wait_for_worker(page)
    context.set_offline(True)

    page.reload()
    assert page.locator("h1").first.inner_text().startswith("Nộp hồ sơ, theo dõi")
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "flex"

    page.goto("/thu-tuc")
    assert page.locator(".card").count() == 1
    page.click(".card a")  # a boosted link: htmx asks, the worker answers from its cache
    page.wait_for_url(f"**/thu-tuc/{procedure['code']}")
    assert page.locator("h1").inner_text() == procedure["name"]

    page.goto(f"/thu-tuc/{procedure['code']}/nop")
    assert page.locator("#apply-form").is_visible()
    assert page.locator(f"#documents-{procedure['requirements'][0]}").count() == 1

    page.goto("/ho-so/000.00.00.H40-261127-0001")  # never stored: somebody's dossier
    assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
    page.goto("/hop-thu-di")
    assert page.locator("h1").inner_text() == "Hộp thư đi"


def test_person_specific_and_staff_pages_are_never_stored(page, procedure):
    page.goto("/")
    wait_for_worker(page)
    page.goto("/tra-cuu")
    page.goto("/staff/")
    page.goto("/ho-so/XYZ")
    page.goto("/thu-tuc?q=ly+lich")
    stored = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
        }
        return urls;
    }""")
    assert "/thu-tuc" in stored and f"/thu-tuc/{procedure['code']}/nop" in stored
    assert not [u for u in stored if u.startswith(("/staff", "/ho-so/", "/tra-cuu", "/api/v1/track"))]


def test_the_worker_fetches_on_its_own_without_cookies_and_a_sign_in_survives_it(
        page, context, app, procedure):
    """What the worker keeps is nobody's page, and its answers cannot undo a sign-in.

    With cookies, an answer to a warm-up request sent just before signing in carried the old
    anonymous session back and overwrote the new one: signed out right after signing in.
    """
    from app.extensions import db
    from tests.factories import STAFF_PASSWORD, make_user

    with app.app_context():
        make_user(role="citizen", email="an@example.vn")
        db.session.remove()
    page.goto("/")
    wait_for_worker(page)
    by_worker = []
    context.on("request", lambda r: r.service_worker and by_worker.append(r))
    page.goto("/dang-nhap")
    page.fill("#email", "an@example.vn")
    page.fill("#password", STAFF_PASSWORD)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_selector("body[data-account]", state="attached")
    # Warm the catalogue again now that a session cookie exists, and wait for it to finish.
    page.evaluate("""() => new Promise((done) => {
        navigator.serviceWorker.addEventListener('message', (e) => e.data.type === 'warmed' && done());
        navigator.serviceWorker.controller.postMessage({ type: 'warm', force: true });
    })""")
    fetched = [r for r in by_worker if "/thu-tuc" in r.url or "/api/v1/procedures" in r.url]
    assert any(r.url.endswith("/nop") for r in fetched), "the worker fetched the catalogue"
    assert all(r.header_value("cookie") is None for r in fetched)
    page.goto("/tai-khoan")
    assert page.url.endswith("/tai-khoan")  # still signed in
