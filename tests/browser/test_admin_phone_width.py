"""The administrator's pages fit a 360 px phone: nothing is cut off or needs sideways scrolling."""

import pytest
from playwright.sync_api import expect

from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.browser

PAGES = ["/staff/quan-tri/tai-khoan", "/staff/quan-tri/co-quan", "/staff/quan-tri/thu-tuc",
         "/staff/quan-tri/ngay-nghi", "/staff/quan-tri/ma-truy-cap", "/staff/quan-tri/webhook",
         "/staff/quan-tri/tai-khoan-nhan-tien"]



def test_every_admin_page_fits_the_phone_and_shows_every_tab(page, admin_email):
    page.goto("/dang-nhap?next=/staff/quan-tri/tai-khoan")
    page.fill("#email", admin_email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("nav.subnav")).to_be_visible()
    for path in PAGES:
        page.goto(path)
        expect(page.locator("nav.subnav [aria-current=page]")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{path} is {width} px wide"
        for tab in page.locator("nav.subnav a").all():  # every tab on screen, none cut off
            box = tab.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], path
