"""Finding a procedure on a 360 px phone: online from the server, offline from the device."""

import json

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.catalogue.seed import DEMO_FILE, load_catalogue
from tests.browser.support import wait_until

pytestmark = pytest.mark.browser

DN = ["1.005172", "2.001610", "2.002053"]  # Đăng ký thành lập / thay đổi … doanh nghiệp
# Enough of the demo catalogue to tell right from wrong, small enough to cache quickly.
KEEP = [*DN, "1.007675", "2.001941", "2.000635", "2.001417", "1.001982", "1.002856",
        "1.012815", "1.009972"]
CARDS = "#results li.card"
NOTE = "[data-results-offline]"


@pytest.fixture
def catalogue(app, tmp_path):
    """Eleven demo procedures of seven departments, loaded as `seed-demo` loads them."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    data["procedures"] = [p for p in data["procedures"] if p["code"] in KEEP]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with app.app_context():
        load_catalogue(path)
        db.session.remove()


def codes(page) -> list[str]:
    return page.locator(CARDS).evaluate_all("(cards) => cards.map((c) => c.dataset.code)")


def worker_ready(page):
    """Wait until the worker controls the page and keeps the catalogue.

    Like support.wait_for_worker, with more time (installing fetches every shell file, slow
    on a busy machine), and a reload when the page began loading just before the worker
    took over: clients.claim() can miss a page that is not yet a client, which then stays
    uncontrolled until it is loaded again.
    """
    wait_until(page, "!!(await navigator.serviceWorker.ready).active", timeout=60)
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null", timeout=30)
    wait_until(page, "!!(await caches.match('/__motcua/warmed'))", timeout=60)


def offline_ready(page, context):
    """Open the app online until the worker keeps the catalogue, then lose the network."""
    page.goto("/")
    worker_ready(page)
    context.set_offline(True)


def test_online_search_shows_business_registration_first_above_the_fold(page, catalogue):
    page.goto("/thu-tuc")
    page.fill("#q", "đăng ký kinh doanh")
    expect(page.locator("[data-results-count]")).to_have_text("5 thủ tục")
    assert sorted(codes(page)[:3]) == sorted(DN)
    assert "q=%C4%91%C4%83ng" in page.url  # the address says what was searched
    expect(page.locator(NOTE)).to_be_hidden()
    first, second = page.locator(CARDS).nth(0).bounding_box(), page.locator(CARDS).nth(1).bounding_box()
    assert first["y"] + first["height"] <= 740, "the first result is whole on the first screen"
    assert second["y"] < 740 - 60, "and the second one shows too"
    page.screenshot(path="/tmp/search-online-360.png")


def test_offline_typing_filters_the_catalogue_kept_on_the_phone(page, context, catalogue):
    page.goto("/thu-tuc?q=dang+ky+kinh+doanh")
    online = codes(page)
    offline_ready(page, context)
    page.goto("/thu-tuc")
    expect(page.locator(CARDS)).to_have_count(len(KEEP))
    page.fill("#q", "ho tich")
    expect(page.locator(NOTE)).to_be_visible()
    expect(page.locator(NOTE)).to_have_text("Đang ngoại tuyến — kết quả từ danh mục trên máy.")
    expect(page.locator("[data-results-count]")).to_have_text("Tìm thấy 1 thủ tục")
    assert codes(page) == ["2.000635"]
    assert "q=ho+tich" in page.url  # a reload keeps the search
    page.screenshot(path="/tmp/search-offline-typed-360.png")
    page.fill("#q", "dang ky kinh doanh")
    expect(page.locator("[data-results-count]")).to_have_text("Tìm thấy 5 thủ tục")
    assert codes(page) == online  # the same ranking as the server's
    page.fill("#q", "qwerty xyz")
    expect(page.locator("[data-results-empty]")).to_be_visible()
    expect(page.locator(CARDS)).to_have_count(0)


def test_offline_search_address_is_honoured(page, context, catalogue):
    offline_ready(page, context)
    page.goto("/thu-tuc?q=ho%20tich")
    expect(page.locator(NOTE)).to_be_visible()
    expect(page.locator("#q")).to_have_value("ho tich")
    expect(page.locator(CARDS)).to_have_count(1)
    assert codes(page) == ["2.000635"]
    box = page.locator(CARDS).first.bounding_box()
    assert box["y"] + box["height"] <= 740
    page.screenshot(path="/tmp/search-offline-address-360.png")
    page.goto("/thu-tuc?q=&linh-vuc=%C4%90%C6%B0%E1%BB%9Dng%20b%E1%BB%99")  # Đường bộ
    expect(page.locator(CARDS)).to_have_count(2)
    expect(page.locator("#linh-vuc")).to_have_value("Đường bộ")
    page.click(f"{CARDS} a >> nth=0")  # the results still open the procedure, from the cache
    expect(page.locator("h1")).to_contain_text("xe")


def test_the_home_search_box_works_offline(page, context, catalogue):
    offline_ready(page, context)
    page.reload()
    page.fill("#q", "căn cước")
    page.press("#q", "Enter")
    expect(page.locator(NOTE)).to_be_visible()
    assert codes(page) == ["1.001982"]
    expect(page.locator("#q")).to_have_value("căn cước")


def test_offline_after_an_online_search_uses_the_whole_catalogue_then_the_server_again(
        page, context, catalogue):
    page.goto("/")
    worker_ready(page)
    page.goto("/thu-tuc?q=xe")
    assert codes(page) == ["1.002856", "1.012815"]  # the server's answer: no hộ tịch on the page
    context.set_offline(True)
    page.fill("#q", "ho tich")
    expect(page.locator(NOTE)).to_be_visible()
    assert codes(page) == ["2.000635"]
    context.set_offline(False)  # back online: the server answers again
    expect(page.locator(NOTE)).to_be_hidden()
    expect(page.locator("[data-results-count]")).to_have_text("1 thủ tục")
    assert codes(page) == ["2.000635"]


def test_server_unreachable_on_a_network_that_seems_up(page, context, catalogue):
    """Signal but no way through (captive wifi, a server down): the device answers, quietly."""
    page.goto("/")
    worker_ready(page)
    page.goto("/thu-tuc")
    context.route("**/thu-tuc?*", lambda route: route.abort("internetdisconnected"))
    page.fill("#q", "ho tich")
    expect(page.locator(NOTE)).to_have_text("Không kết nối được với máy chủ — kết quả từ danh mục trên máy.")
    assert codes(page) == ["2.000635"]
    expect(page.locator("#q")).to_be_focused()  # still typing: nothing took the focus away
    expect(page.locator("form[data-catalogue-search] .request-error")).to_have_count(0)


def test_a_broad_search_lists_the_same_best_few_online_and_offline(page, context, catalogue, monkeypatch):
    from app.services.catalogue import procedures as service
    monkeypatch.setattr(service, "SHOWN", 3)  # the live server runs in this process
    page.goto("/thu-tuc?q=dang+ky")
    online, count = codes(page), page.inner_text("[data-results-count]")
    assert len(online) == 3 and count == "5 thủ tục"
    more = "Đây là 3 thủ tục khớp nhất; gõ thêm từ để thu hẹp."
    expect(page.locator("[data-results-more]")).to_have_text(more)
    offline_ready(page, context)
    page.goto("/thu-tuc?q=dang+ky")
    expect(page.locator(NOTE)).to_be_visible()
    assert codes(page) == online
    expect(page.locator("[data-results-more]")).to_have_text(more)
    expect(page.locator("[data-results-count]")).to_have_text("Tìm thấy 5 thủ tục")
