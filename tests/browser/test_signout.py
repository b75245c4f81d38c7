"""Sign-out on a phone (360 px): Back, a saved address or a copy of the old cookie all land on
the sign-in page, for an officer and for a citizen."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.factories import STAFF_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def accounts(app):
    with app.app_context():
        officer, citizen = make_user("reception", name="Trần Thị Lan"), make_user("citizen")
        emails = officer.email, citizen.email
        db.session.remove()
        return emails


def sign_in(page, email: str, lands_on: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{lands_on}")


def expect_sign_in_page(page) -> None:
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    expect(page.locator("#password")).to_be_visible()


SIGN_OUT = "form[action='/dang-xuat'] button"


@pytest.mark.parametrize("who, home", [("officer", "/staff/"), ("citizen", "/tai-khoan")])
def test_after_sign_out_back_and_saved_links_show_the_sign_in_page(browser, live_server, context, page,
                                                                   accounts, who, home):
    email = accounts[0] if who == "officer" else accounts[1]
    sign_in(page, email, "/staff/" if who == "officer" else "/")
    page.goto(home)
    expect(page.locator(SIGN_OUT)).to_be_visible()
    saved_cookies = context.cookies()
    page.locator(SIGN_OUT).click()
    page.wait_for_url("**/dang-nhap")
    expect(page.locator(".notice")).to_have_text("Bạn đã đăng xuất.")
    page.screenshot(path=f"/tmp/sessions-signed-out-{who}.png", full_page=True)

    page.go_back()  # the page signed in a moment ago
    expect_sign_in_page(page)
    page.goto(home)  # a bookmark, or the address typed again
    expect_sign_in_page(page)
    assert "next=" in page.url

    # Someone who copied the cookie before the sign-out gets nowhere with it either.
    other = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    try:
        other.add_cookies(saved_cookies)
        stolen = other.new_page()
        stolen.goto(home)
        expect_sign_in_page(stolen)
    finally:
        other.close()
