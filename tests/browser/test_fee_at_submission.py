"""A citizen on a 360 px phone files a dossier for a procedure whose fee is paid at submission:
the receipt it lands on shows the VietQR and the transfer to copy (account, content), with
JavaScript (the outbox sends it, then the receipt) and without (the plain form posts)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.support import SUBMIT, fill_apply_form, open_form

pytestmark = pytest.mark.browser


@pytest.fixture
def paid_at_submission(app):
    """Sở Tư pháp with a receiving account, and its 200.000 đ procedure paid at submission."""
    from app.extensions import db
    from tests.agency_helpers import department
    from tests.payment_helpers import give_account

    with app.app_context():
        agency, proc = department()
        give_account(agency)
        proc.fee_at_submission = True
        db.session.commit()
        info = {"code": proc.code, "name": proc.name, "requirements": [r.id for r in proc.requirements]}
        db.session.remove()
        return info


def receipt_shows_the_transfer(page, shot: str) -> None:
    """The receipt's fee box: amount, bank, account, holder, content to copy, a scannable QR."""
    expect(page.locator("h1")).to_have_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    code = page.locator(".slip .code-big").inner_text()
    box = page.locator("#payment")
    expect(box.locator("#payment-amount")).to_have_text("200.000 đ")
    expect(box).to_contain_text("Vietcombank")
    expect(box.locator("#payment-account")).to_have_text("0071000123456")
    expect(box).to_contain_text("SO TU PHAP TINH TAY NINH")
    content = box.locator("#payment-content")
    expect(content).to_have_text(code)
    # Large enough to read and tap on a phone, and one tap selects all of it.
    style = content.evaluate("e => [getComputedStyle(e).fontSize, getComputedStyle(e).userSelect]")
    assert float(style[0].rstrip("px")) >= 17 and style[1] == "all"
    qr = box.locator("svg.vietqr")
    expect(qr).to_be_visible()
    size = qr.bounding_box()
    assert 200 <= size["width"] <= 340 and size["x"] >= 0 and size["x"] + size["width"] <= PHONE["width"]
    # The dossier code stays whole on one line, not broken in the middle of a number.
    boxes, height, font = page.locator(".slip .code-big").evaluate(
        "e => [e.getClientRects().length, e.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(e).fontSize)]")
    assert boxes == 1 and height < font * 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=shot, full_page=True)


def test_with_javascript_the_receipt_shows_the_vietqr(page, paid_at_submission, small_files):
    open_form(page, paid_at_submission)
    expect(page.locator("#apply-form")).to_contain_text("Nộp ngay khi nộp hồ sơ, bằng chuyển khoản")
    fill_apply_form(page, paid_at_submission, small_files)
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?**", timeout=60_000)
    receipt_shows_the_transfer(page, "/tmp/pay-receipt-js-360.png")


def test_without_javascript_the_receipt_shows_the_vietqr(browser, live_server, paid_at_submission,
                                                         small_files):
    phone = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        page = phone.new_page()
        page.goto(f"/thu-tuc/{paid_at_submission['code']}")
        expect(page.locator("#fee-at-submission")).to_contain_text("Nộp ngay khi nộp hồ sơ")
        page.screenshot(path="/tmp/pay-procedure-nojs-360.png", full_page=True)
        page.goto(f"/thu-tuc/{paid_at_submission['code']}/nop")
        fill_apply_form(page, paid_at_submission)
        for req, path in zip(paid_at_submission["requirements"], small_files, strict=False):
            page.set_input_files(f"#documents-{req}", str(path))
        page.click(SUBMIT)
        page.wait_for_url("**/bien-nhan?**")
        receipt_shows_the_transfer(page, "/tmp/pay-receipt-nojs-360.png")
    finally:
        phone.close()


@pytest.fixture
def long_receipt(app, paid_at_submission):
    """The receipt of a fee-at-submission dossier with a long procedure name and eight photos."""
    from app.extensions import db
    from app.models import Procedure
    from tests.browser.test_journeys_print import LONG_NAME, file_eight_photos

    with app.app_context():
        proc = db.session.execute(
            db.select(Procedure).filter_by(code=paid_at_submission["code"])).scalar_one()
        proc.name = LONG_NAME
        return file_eight_photos(proc, requirements=2)[1]


def test_the_receipt_prints_the_transfer_and_both_qr_codes_on_one_a5_page(page, long_receipt):
    from tests.browser.test_journeys_print import pages

    page.goto(long_receipt)
    page.emulate_media(media="print")
    box = page.locator("#payment")
    for said in ("200.000 đ", "Vietcombank", "0071000123456", "SO TU PHAP TINH TAY NINH"):
        expect(box).to_contain_text(said)
    qr = box.locator("svg.vietqr").bounding_box()
    assert qr and qr["width"] >= 100  # 28 mm: a banking app reads it off the paper (zbarimg does at 200 dpi)
    assert page.locator(".slip .qr svg").bounding_box()["width"] > 50  # the tracking QR too
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    Path("/tmp/pay-receipt-print.pdf").write_bytes(pdf)
    assert pages(pdf) == 1


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs poppler-utils and zbar-tools (.ci/run installs them)")
def test_both_printed_qr_codes_scan_off_the_paper(page, long_receipt, tmp_path):
    """The printed A5 slip at 200 dpi, read by zbarimg: the VietQR and the tracking code. The
    tracking code once lost its edges in print (no viewBox: CSS cropped it instead of scaling)."""
    page.goto(long_receipt)
    page.emulate_media(media="print")
    (tmp_path / "slip.pdf").write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(tmp_path / "slip.pdf"), str(tmp_path / "p")],
                   check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", *map(str, sorted(tmp_path.glob("p*.png")))],
                           capture_output=True, text=True).stdout.split()
    code = long_receipt.split("/")[2]
    assert any(f"/tra-cuu?ma={code}" in text for text in found), found
    assert any(text.startswith("000201") for text in found), found  # a VietQR payload
