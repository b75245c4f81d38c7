"""A citizen on a 360 px phone (JavaScript off) sees the fee's VietQR, then "Đã thanh toán" once
the department's officer has imported the bank statement that carries the transfer."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(app, tmp_path):
    """A dossier waiting for its 200.000 đ fee, its signed link, an officer, and the statement."""
    from app.extensions import db
    from app.services import workflow
    from app.services.dossiers.tracking import access_token
    from tests.agency_helpers import department, officer_of, processing
    from tests.factories import make_user
    from tests.payment_helpers import csv_bytes, give_account, line

    with app.app_context():
        agency, proc = department()
        give_account(agency)
        dossier = processing(proc)
        workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
        email = make_user("department", agency=agency).email
        statement = tmp_path / "sao-ke-01-12.csv"
        squeezed = dossier.code.replace(".", "")  # as the bank rewrote the content
        statement.write_bytes(csv_bytes([
            line(1, "FT26335900001", "200.000", f"MBVCB.88123.{squeezed}.CT tu NGUYEN VAN A"),
            line(2, "FT26335900002", "", "Phi quan ly tai khoan", debit="11.000")]))
        link = f"/ho-so/{dossier.code}?t={access_token(dossier)}"
        code = dossier.code
        db.session.remove()
        return link, code, email, statement


def test_citizen_pays_by_vietqr_and_sees_it_paid_after_the_import(browser, live_server, page, waiting):
    link, code, email, statement = waiting
    phone = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        citizen = phone.new_page()
        citizen.goto(link)
        box = citizen.locator("#payment")
        expect(box.locator("#payment-amount")).to_have_text("200.000 đ")
        expect(box.locator("#payment-account")).to_have_text("0071000123456")
        expect(box.locator("#payment-content")).to_have_text(code)
        qr = box.locator("svg.vietqr")
        expect(qr).to_be_visible()
        size = qr.bounding_box()
        assert 200 <= size["width"] <= 340 and size["x"] >= 0  # scannable, and inside the screen
        assert citizen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        citizen.screenshot(path="/tmp/payment-qr-360.png", full_page=True)

        page.goto("/dang-nhap?next=/staff/thanh-toan")
        page.fill("#email", email)
        page.fill("#password", STAFF_PASSWORD)
        page.click("form button[type=submit]")
        expect(page.locator("h1")).to_have_text("Thanh toán phí, lệ phí")
        page.set_input_files("#statement-file", str(statement))
        page.click("button:has-text('Nhập sao kê')")
        expect(page.locator(".notice[role=status]")).to_contain_text("1 hồ sơ đã nộp đủ")
        page.set_input_files("#statement-file", str(statement))  # the same file again: nothing changes
        page.click("button:has-text('Nhập sao kê')")
        expect(page.locator(".notice[role=status]")).to_contain_text("không thay đổi gì")
        page.screenshot(path="/tmp/payment-staff-360.png", full_page=True)

        citizen.reload()
        expect(box.locator(".notice")).to_contain_text("Đã thanh toán 200.000 đ — ngày 09:15 01/12/2026")
        expect(box.locator("svg.vietqr")).to_have_count(0)
        assert citizen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        citizen.screenshot(path="/tmp/payment-paid-360.png", full_page=True)
    finally:
        phone.close()
