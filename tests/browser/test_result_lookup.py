"""The QR code on a signed result, followed in a real browser at 360 px: the verified result's
page, the file in hand compared byte for byte; a wrong key typed by hand gets the neutral answer,
a malformed one its field's error; with JavaScript on and off."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def issued(app, tmp_path):
    """A dossier resolved with a signed PDF result: its code, the QR's address (path), the file."""
    from app.extensions import db
    from app.services.files import blobs
    from app.services.results.stamp import verify_url
    from tests.result_stamp_helpers import modules_of, printed_key, qr_modules
    from tests.results_helpers import resolved_with, result_pdf

    with app.app_context():
        dossier = resolved_with([(result_pdf(), "phieu-ly-lich.pdf")])
        [doc] = [d for d in dossier.documents if d.round == "result"]
        data = blobs.store().read(blobs.get_blob(doc.sha256).storage_key)
        url = verify_url(app.config["PUBLIC_URL"], dossier.code, printed_key(data))
        assert qr_modules(data) == modules_of(url)  # the address is the one the QR code carries
        info = {"code": dossier.code, "procedure": dossier.procedure.name, "sha256": doc.sha256,
                "key": printed_key(data), "path": urlsplit(url).path + "?" + urlsplit(url).query}
        db.session.remove()
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(data)
    info["file"] = path
    return info


def wrong(key: str) -> str:
    return ("0" if key[0] != "0" else "1") + key[1:]


def test_the_qr_address_shows_the_verified_result_and_a_wrong_key_the_neutral_answer(page, issued, tmp_path):
    page.goto(issued["path"])
    card = page.locator("#result[data-state=issued]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Trung tâm đã cấp kết quả này")
    expect(card).to_contain_text(issued["code"])
    expect(card).to_contain_text(issued["procedure"])
    expect(card).to_contain_text(issued["sha256"])
    expect(page.get_by_role("link", name="Tải bản kết quả")).to_have_count(0)  # a stranger
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "qr-found.png", full_page=True, caret="initial")

    page.set_input_files("#file", str(issued["file"]))
    page.click("form.verify [type=submit]")
    expect(page.locator("#same[data-same=yes]")).to_contain_text("trùng khớp từng byte")
    expect(page.locator("#verdict[data-state=valid]")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "qr-same.png", full_page=True, caret="initial")

    page.goto("/xac-thuc")
    page.fill("#ma", issued["code"])
    page.fill("#k", wrong(issued["key"]))
    page.get_by_role("button", name="Tra cứu").click()
    neutral = page.locator("#result[data-state=not_found]")
    expect(neutral).to_contain_text("Không tìm thấy kết quả")
    expect(page.locator("#result[data-state=issued]")).to_have_count(0)
    expect(page.locator("#k")).to_have_value(wrong(issued["key"]))  # kept to correct
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "wrong-key.png", full_page=True, caret="initial")

    page.fill("#k", "12345")
    page.get_by_role("button", name="Tra cứu").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Mã kiểm tra gồm 10 chữ và số")
    summary.get_by_role("link").click()
    expect(page.locator("#k")).to_be_focused()
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "malformed.png", full_page=True, caret="initial")


def test_the_lookup_works_with_javascript_off(browser, live_server, issued, tmp_path):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/xac-thuc")
        page.fill("#ma", issued["code"].lower())
        page.fill("#k", issued["key"].lower().replace("-", " "))  # as someone types it off paper
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.locator("#result[data-state=issued]")).to_contain_text(issued["code"])
        page.goto("/xac-thuc")
        page.fill("#ma", "000.00.00.H40-991231-9999")
        page.fill("#k", issued["key"])
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.locator("#result[data-state=not_found]")).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS)
        page.screenshot(path=tmp_path / "nojs-unknown.png", full_page=True, caret="initial")
    finally:
        context.close()
