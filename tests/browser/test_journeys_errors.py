"""Error answers a person meets on a phone with JavaScript on: each one is seen where they look.

htmx swaps 4xx pages in (base.html's htmx-config) and static/js/app.js focuses the error.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.support import MY_DOSSIERS, wait_until
from tests.factories import VALID_PHONE, make_dossier, make_procedure

pytestmark = pytest.mark.browser

NOT_FOUND = "Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập."


@pytest.fixture
def dossier_code(app):
    from app.extensions import db

    with app.app_context():
        code = make_dossier(make_procedure()).code
        db.session.remove()
        return code


def _track(page, code: str, secret: str) -> None:
    """Submit the tracking form and wait for the answer to replace the page (htmx swaps it)."""
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.evaluate("document.querySelector('main').dataset.asked = '1'")
    page.click("form.track [type=submit]")
    wait_until(page, "!document.querySelector('main[data-asked]')")


def _boosted(page) -> None:
    """htmx is on the page and has taken over its links and forms."""
    wait_until(page, "!!(window.htmx && document.body['htmx-internal-data'])")


def test_a_wrong_phone_on_tracking_says_so_and_keeps_the_code(page, dossier_code):
    page.goto("/tra-cuu")
    _boosted(page)
    _track(page, dossier_code, "0999999999")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(NOT_FOUND)
    expect(summary).to_be_focused()
    expect(page.locator("#code")).to_have_value(dossier_code)
    page.screenshot(path="/tmp/journeys/track-wrong.png", full_page=True)
    _track(page, dossier_code, VALID_PHONE)  # the right pair, from the page the error left
    page.wait_for_url(f"**/ho-so/{dossier_code}")
    # ...and the dossier joins "Hồ sơ của tôi" on this device (the one lookup of the API).
    wait_until(page, f"(await ({MY_DOSSIERS})()).some((d) => d.code === '{dossier_code}')")


def test_tracking_too_often_says_when_to_try_again(page, app, dossier_code):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["TRACK_RATE_LIMIT"] = "2 per minute"
    page.goto("/tra-cuu")
    _boosted(page)
    for _n in range(2):
        _track(page, dossier_code, "0999999999")
        expect(page.locator("#error-summary")).to_contain_text(NOT_FOUND)
    _track(page, dossier_code, VALID_PHONE)  # even the right pair must wait now
    alert = page.locator(".error-page[role=alert]")
    expect(alert).to_contain_text("Bạn thao tác quá nhanh")
    expect(alert).to_contain_text("thử lại sau")
    expect(alert).to_be_focused()
    page.screenshot(path="/tmp/journeys/track-429.png", full_page=True)
    page.get_by_role("link", name="Quay lại").click()
    expect(page.locator("form.track")).to_be_visible()


SECRET = "0903111222"  # a phone number that must never appear in an address


def test_my_dossiers_add_with_a_wrong_pair_says_so_and_keeps_the_secret_out_of_urls(page, dossier_code):
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/ho-so-cua-toi")
    page.locator("[data-my-dossiers][data-enhanced]").wait_for(state="attached")
    before = page.evaluate("history.length")
    page.fill("#add-code", dossier_code)
    page.fill("#add-secret", SECRET)
    page.get_by_role("button", name="Thêm", exact=True).click()
    problem = page.locator("form[data-add] [data-error]")
    expect(problem).to_contain_text(NOT_FOUND)
    expect(problem).to_be_focused()
    expect(problem).to_be_in_viewport()
    page.screenshot(path="/tmp/journeys/mine-wrong.png", full_page=True)
    assert page.url.endswith("/ho-so-cua-toi")
    assert page.evaluate("history.length") == before  # nothing pushed into the history
    assert any(u.endswith("/api/v1/track") for u in urls)
    assert not [u for u in urls if SECRET in u]

    page.fill("#add-secret", VALID_PHONE)  # the right pair: the dossier joins the list
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.locator(f".card[data-code='{dossier_code}']").wait_for()
    expect(problem).to_be_hidden()
    assert not [u for u in urls if VALID_PHONE in u]


def test_my_dossiers_add_without_script_posts_and_says_so(browser, live_server, dossier_code):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    urls = []
    page.on("request", lambda request: urls.append((request.method, request.url)))
    page.goto("/ho-so-cua-toi")
    page.fill("#add-code", dossier_code)
    page.fill("#add-secret", SECRET)
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.locator("form[data-add] [data-error]")).to_contain_text(NOT_FOUND)
    assert ("POST", f"{live_server}/ho-so-cua-toi") in urls
    assert not [u for _m, u in urls if SECRET in u]
    page.fill("#add-secret", VALID_PHONE)
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.wait_for_url(f"**/ho-so/{dossier_code}")
    context.close()


def test_a_business_downloads_its_csv_instead_of_seeing_it_in_the_page(page):
    page.goto("/dang-ky")
    page.check("input[name=kind][value=business]")
    page.fill("#name", "Trần Thị Bình")
    page.fill("#login", "binh@congty.vn")
    page.fill("#password", "mat-khau-du-dai")
    page.fill("#tax_code", "0100109106")
    page.fill("#org_name", "Công ty Bình An")
    page.click("main form.apply [type=submit]")
    page.wait_for_url("**/tai-khoan")
    page.get_by_role("link", name="Công ty Bình An (0100109106)").click()
    page.wait_for_url("**/to-chuc/*")
    _boosted(page)
    heading = page.locator("h1")
    expect(heading).to_have_text("Công ty Bình An")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải CSV").click()
    assert download.value.suggested_filename == "ho-so-0100109106.csv"
    expect(heading).to_have_text("Công ty Bình An")  # the page is still the page
    assert "/to-chuc/" in page.url and not page.url.endswith(".csv")


def test_on_a_slow_network_the_progress_shows_at_the_button(browser, live_server, procedure, small_files):
    from tests.browser.support import SUBMIT, fill_apply_form, open_form

    # No service worker here: the held uploads below must be the page's own requests.
    context = browser.new_context(base_url=live_server, viewport=PHONE, service_workers="block")
    page = context.new_page()
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    held, released = [], []

    def hold(route):  # the files "go up" only when we say so
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/blobs/*", hold)
    page.click(SUBMIT)
    panel = page.locator(".outbox-notice.sending")
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel.locator("h2")).to_have_text("Đang gửi hồ sơ…")
    expect(panel).to_be_in_viewport()
    button = page.locator(SUBMIT).bounding_box()
    box = panel.bounding_box()
    assert 0 <= button["y"] - (box["y"] + box["height"]) < 40  # right above the button pressed
    page.screenshot(path="/tmp/journeys/apply-progress.png")
    released.append(True)
    for route in held:
        route.continue_()
    page.wait_for_url("**/bien-nhan?t=*", timeout=30000)
    context.close()


def test_a_server_in_trouble_keeps_what_was_typed_and_says_so_by_the_button(page, dossier_code):
    page.goto("/tra-cuu")
    _boosted(page)
    # A proxy's 502 in front of the app: not one of our pages, so the generic words.
    page.route("**/tra-cuu", lambda route: route.fulfill(status=502, body="Bad Gateway")
               if route.request.method == "POST" else route.continue_())
    page.fill("#code", dossier_code)
    page.fill("#secret", "0999999999")
    page.click("form.track [type=submit]")
    message = page.locator("form.track .request-error[role=alert]")
    expect(message).to_contain_text("Hệ thống gặp sự cố. Thông tin bạn nhập chưa bị mất")
    expect(message).to_be_focused()
    expect(page.locator("#secret")).to_have_value("0999999999")  # the page, and what was typed, stay
    box, button = message.bounding_box(), page.locator("form.track [type=submit]").bounding_box()
    assert 0 <= button["y"] - (box["y"] + box["height"]) < 40
    page.unroute("**/tra-cuu")
    page.click("form.track [type=submit]")  # the server is back: its answer replaces the page
    expect(page.locator("#error-summary")).to_contain_text(NOT_FOUND)


def test_an_error_page_never_lands_inside_a_piece_of_the_page(page, app, client):
    from app.services.dossiers.tracking import access_token
    from tests.postal_helpers import TAY_NINH

    with app.app_context():
        dossier = make_dossier(make_procedure())
        link = f"/ho-so/{dossier.code}/buu-chinh?t={access_token(dossier)}"
    error_page = client.get("/khong-co-trang-nay").get_data(as_text=True)
    page.goto(link)
    _boosted(page)
    wards = page.locator("#ward").inner_html()
    page.route("**/dia-gioi/phuong-xa*", lambda route: route.fulfill(
        status=404, content_type="text/html; charset=utf-8", body=error_page))
    page.select_option("#province", str(TAY_NINH))
    message = page.locator("#province ~ .request-error[role=alert]")
    expect(message).to_have_text("Không tìm thấy trang bạn cần.")
    assert page.locator("#ward").inner_html() == wards  # the ward list is not replaced by a page
    expect(page.locator("h1")).to_have_count(1)
