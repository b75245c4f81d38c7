"""The staff queue by keyboard, in a real browser: "/", j/k and arrows, Enter, across htmx swaps."""

import pytest

from app.extensions import db
from tests.browser.conftest import Console
from tests.browser.support import wait_until
from tests.factories import STAFF_PASSWORD, applicant, make_dossier, make_procedure, make_user

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
FOCUSED_CODE = "document.activeElement && document.activeElement.matches('#queue-results a.code') " \
               "&& document.activeElement.textContent"


@pytest.fixture
def queue_setup(app):
    """Three submitted dossiers and a reception officer; returns (email, codes by name)."""
    with app.app_context():
        proc = make_procedure()
        codes = {name: make_dossier(proc, applicant=applicant(name=name)).code
                 for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")}
        email = make_user("reception").email
        db.session.remove()
        return email, codes


@pytest.fixture
def desk(browser, live_server):
    """A desktop-sized page (shortcuts are for the officers' desktops), watched for CSP errors."""
    ctx = browser.new_context(base_url=live_server, viewport=DESKTOP)
    console = Console()
    page = ctx.new_page()
    console.watch(page)
    yield page
    ctx.close()
    assert console.errors == [], "the page reported errors"


def sign_in(page, email: str) -> None:
    page.goto("/dang-nhap?next=/staff/")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/staff/")


def focused(page) -> str:
    return page.evaluate(f"() => {FOCUSED_CODE}") or ""


def test_keys_move_the_selection_and_open_a_dossier(desk, queue_setup):
    email, codes = queue_setup
    page = desk
    sign_in(page, email)
    page.wait_for_selector("[data-keys-help]:not([hidden])")  # the module ran
    shown = page.eval_on_selector_all("#queue-results a.code", "(links) => links.map((a) => a.textContent)")
    assert sorted(shown) == sorted(codes.values())

    page.keyboard.press("j")
    assert focused(page) == shown[0]
    # The selected row stands out (the row's own highlight, not only the link's outline).
    background = page.evaluate(
        "() => getComputedStyle(document.activeElement.closest('tr')).backgroundColor")
    assert background == "rgb(230, 240, 250)"
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last row
    assert focused(page) == shown[2]
    page.keyboard.press("k")
    assert focused(page) == shown[1]
    page.keyboard.press("ArrowUp")
    assert focused(page) == shown[0]
    page.keyboard.press("ArrowDown")
    assert focused(page) == shown[1]

    # "/" goes to the search box, where j and k are letters again.
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "q"
    page.keyboard.type("binh")
    assert page.input_value("#q") == "binh"
    # htmx swaps the results in; ↓ from the box selects the first of the new rows.
    wait_until(page, "document.querySelectorAll('#queue-results a.code').length === 1")
    assert "q=binh" in page.url
    page.keyboard.press("ArrowDown")
    assert focused(page) == codes["Trần Thị Bình"]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/ho-so/{codes['Trần Thị Bình']}")
    assert "Trần Thị Bình" in page.text_content("main")

    # Back through the header's boosted link: htmx swaps the page in, the keys still work.
    page.click("header.top nav a:has-text('Hàng đợi')")
    page.wait_for_selector("[data-keys-help]:not([hidden])")
    page.keyboard.press("j")
    assert focused(page) == shown[0]


def test_keys_work_after_a_status_tab_swap_and_leave_form_controls_alone(desk, queue_setup):
    email, codes = queue_setup
    page = desk
    sign_in(page, email)
    page.wait_for_selector("[data-keys-help]:not([hidden])")
    page.click(".status-tabs a:has-text('Mới đăng ký')")  # an htmx swap of the results
    wait_until(page, "location.search.includes('status=1')")
    page.keyboard.press("k")  # nothing selected: k starts from the bottom
    last = page.eval_on_selector_all("#queue-results a.code", "(links) => links.at(-1).textContent")
    assert focused(page) == last
    # In a filter menu the arrows choose an option, not a row (the only procedure: same rows).
    page.focus("#procedure")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.id") == "procedure"
    wait_until(page, "location.search.includes('procedure=')")
    # Escape leaves the search box; then j selects a row again.
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "q"  # "/" works from a menu too
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert focused(page) in codes.values()
