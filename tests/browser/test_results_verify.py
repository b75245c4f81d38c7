"""Signed results in a real browser at 360 px: the citizen downloads the signed PDF from the
dossier page, then anyone checks it at /xac-thuc (valid, tampered, not a PDF), with and without JS."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def resolved(app):
    """A dossier resolved electronically with a PDF result, and the link to its status page."""
    from app.extensions import db
    from app.services.dossiers.tracking import access_token
    from tests.results_helpers import resolved_with, result_pdf

    with app.app_context():
        dossier = resolved_with([(result_pdf(), "phieu-ly-lich.pdf")])
        info = {"code": dossier.code, "link": f"/ho-so/{dossier.code}?t={access_token(dossier)}"}
        db.session.remove()
        return info


def upload_and_check(page, path) -> None:
    page.set_input_files("#file", str(path))
    page.click("form.verify [type=submit]")


def test_citizen_downloads_the_signed_result_and_the_check_tells_valid_from_tampered(
        page, resolved, tmp_path, app):
    from tests.results_helpers import flip

    page.goto(resolved["link"])
    expect(page.get_by_role("heading", name="Kết quả điện tử đã sẵn sàng")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Nhận và tải kết quả").click()
    signed = tmp_path / "ket-qua.pdf"
    download.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF-") and b"/ByteRange" in signed.read_bytes()

    page.goto(resolved["link"])  # now returned: the page lists the result and where to check it
    expect(page.locator("li", has_text="Tải kết quả")).to_contain_text("có chữ ký số")
    page.get_by_role("link", name="trang xác thực kết quả").click()
    page.wait_for_url("**/xac-thuc")
    expect(page.get_by_role("heading", name="Xác thực kết quả có chữ ký số")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)

    upload_and_check(page, signed)
    verdict = page.locator("#verdict[data-state=valid]")
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text("Chữ ký số hợp lệ")
    expect(verdict).to_contain_text(resolved["code"])
    expect(verdict).to_contain_text(app.config["CENTRE_NAME"])
    expect(verdict).to_contain_text("trùng khớp từng byte")
    assert page.evaluate(NO_SIDEWAYS)

    tampered = tmp_path / "ket-qua-sua.pdf"
    tampered.write_bytes(flip(signed.read_bytes(), 600))
    upload_and_check(page, tampered)
    bad = page.locator("#verdict[data-state=tampered]")
    expect(bad).to_be_visible()
    expect(bad).to_contain_text("Tệp đã bị thay đổi sau khi ký")
    expect(page.locator("#verdict[data-state=valid]")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS)

    photo = tmp_path / "anh.jpg"
    from tests.factories import jpeg_bytes

    photo.write_bytes(jpeg_bytes())
    upload_and_check(page, photo)
    expect(page.locator("#verdict[data-state=not_pdf]")).to_contain_text("Không phải tệp PDF")


def test_the_check_works_with_javascript_off(browser, live_server, app, tmp_path):
    from tests.results_helpers import flip, result_pdf

    with app.app_context():
        from app.services.results.signing import sign_pdf

        signed = sign_pdf(result_pdf(), "000.00.00.H40-261201-0042")
    good, bad = tmp_path / "kq.pdf", tmp_path / "kq-sua.pdf"
    good.write_bytes(signed)
    bad.write_bytes(flip(signed, len(signed) // 3))
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/xac-thuc")
        page.click("form.verify [type=submit]")  # nothing chosen: the browser itself asks (required)
        assert page.url.endswith("/xac-thuc") and page.locator("#verdict").count() == 0
        upload_and_check(page, good)
        expect(page.locator("#verdict[data-state=valid]")).to_contain_text("000.00.00.H40-261201-0042")
        upload_and_check(page, bad)
        expect(page.locator("#verdict[data-state=tampered]")).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS)
    finally:
        context.close()
