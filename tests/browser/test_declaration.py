"""A citizen fills the declaration online on a 360 px phone, sends it, and finds it on the receipt."""

import io

import pypdf
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Blob, Dossier
from app.services.catalogue.seed import load_catalogue
from app.services.files import blobs
from tests.factories import VALID_ID

pytestmark = pytest.mark.browser

LLTP = "2.001417"


@pytest.fixture
def lltp(app):
    with app.app_context():
        load_catalogue()
        from app.services.catalogue.procedures import get_procedure

        proc = get_procedure(LLTP)
        ids = [r.id for r in proc.requirements]
        db.session.remove()
        return ids


def test_a_citizen_fills_the_declaration_online_and_sees_it_on_the_receipt(page, app, lltp, small_files):
    declared, photo_id = lltp[0], lltp[1]
    page.goto(f"/thu-tuc/{LLTP}/nop")
    page.fill("#applicant-name", "Nguyễn Thị Hương")
    page.fill("#applicant-id_number", VALID_ID)
    page.fill("#applicant-phone", "0987654321")
    page.fill("#applicant-address", "Số 12 Trưng Nữ Vương, phường Tân Ninh, tỉnh Tây Ninh")
    page.fill("#fields-purpose", "Xin việc")
    page.fill("#fields-copies", "1")
    page.select_option("#fields-kind", "Phiếu số 1")
    page.set_input_files(f"#documents-{photo_id}", str(small_files[0]))

    box = page.locator(f"#declaration-{declared}")
    box.locator("summary").click()
    d = f"#declarations-{declared}-"
    page.fill(d + "full_name", "Nguyễn Thị Hương")
    page.select_option(d + "sex", "Nữ")
    page.fill(d + "birth_date", "1990-05-17")
    page.fill(d + "birth_place", "Xã Hòa Thành, tỉnh Tây Ninh")
    page.fill(d + "nationality", "Việt Nam")
    page.fill(d + "ethnicity", "Kinh")
    page.fill(d + "residence", "Số 12 Trưng Nữ Vương, phường Tân Ninh, tỉnh Tây Ninh")
    page.fill(d + "id_number", VALID_ID)
    page.fill(d + "id_issued_on", "2021-08-02")
    page.fill(d + "id_issued_by", "Cục Cảnh sát QLHC về TTXH")
    page.fill(d + "mother", "Trần Thị Lụa")
    page.fill(d + "residence_history", "2012 đến nay: kế toán tại Tây Ninh")
    # One required answer left empty: said by the field before anything is sent.
    page.fill(d + "copies", "2")
    page.click("#apply-form [type=submit]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Mục đích yêu cầu cấp Phiếu lý lịch tư pháp: Vui lòng nhập thông tin")
    expect(summary).not_to_contain_text("Vui lòng đính kèm")  # the declaration stands for the file
    page.screenshot(path="/tmp/declarations-apply-error.png", full_page=True)

    page.fill(d + "purpose", "Bổ sung hồ sơ xin việc")
    page.click("#apply-form [type=submit]")
    page.wait_for_url("**/bien-nhan?t=*", timeout=30000)
    docs = page.locator("ol.docs")
    expect(docs).to_contain_text("Tờ khai điền trực tuyến - Mẫu số 03-2013-TT-LLTP.pdf")
    expect(docs).to_contain_text(small_files[0].name)
    page.screenshot(path="/tmp/declarations-receipt.png", full_page=True)

    page.get_by_role("link", name="Xem và in tờ khai điền trực tuyến").click()
    expect(page.locator("#declaration-title")).to_have_text("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP")
    expect(page.locator("ol.answers")).to_contain_text("Trần Thị Lụa")
    page.screenshot(path="/tmp/declarations-page.png", full_page=True)

    with app.app_context():
        [dossier] = db.session.execute(db.select(Dossier)).scalars()
        [doc] = [x for x in dossier.documents if x.requirement_id == declared]
        data = blobs.store().read(db.session.get(Blob, doc.sha256).storage_key)
        text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "Họ và tên mẹ: Trần Thị Lụa" in text
        assert "Mục đích yêu cầu cấp Phiếu lý lịch tư pháp: Bổ sung" in text
        db.session.remove()
