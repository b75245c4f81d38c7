"""Fee payment pages: the citizen's QR and "đã thanh toán", staff import and decisions, who may do what."""

import io
import re

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.lib import vietqr
from app.models import BankAccount, BankCredit, Payment, Role, Status
from app.services import workflow
from tests.agency_helpers import department, officer_of, processing
from tests.factories import VALID_PHONE, make_user
from tests.helpers import csrf_token, fresh_client, page_text, sign_in
from tests.payment_helpers import csv_bytes, give_account, line, xlsx_bytes


@pytest.fixture
def waiting(ctx):
    """A dossier of an agency with a receiving account, waiting for its 200.000 đ fee."""
    agency, proc = department()
    give_account(agency)
    dossier = processing(proc)
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
    db.session.refresh(dossier)
    return agency, dossier


def tracked(app, dossier):
    """A browser that looked the dossier up by code and phone, as its applicant does."""
    client = fresh_client(app)
    token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
    form = {"csrf_token": token, "code": dossier.code, "secret": VALID_PHONE}
    response = client.post("/tra-cuu", data=form)
    assert response.status_code == 303
    return client


def officer_client(app, agency, role=Role.DEPARTMENT):
    client = fresh_client(app)
    sign_in(client, make_user(role, agency=agency if role == Role.DEPARTMENT else None))
    return client


def upload(client, data: bytes, name: str = "sao-ke.csv"):
    """Post the file as a browser does; the body is built in memory (the test client would spool
    a big one to a temporary file it never closes)."""
    token = csrf_token(client.get("/staff/thanh-toan").get_data(as_text=True))
    file = FileStorage(io.BytesIO(data), filename=name, name="file")
    boundary, body = encode_multipart(MultiDict([("csrf_token", token), ("file", file)]))
    return client.post("/staff/thanh-toan/sao-ke", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_citizen_sees_amount_account_content_and_qr_then_paid(app, waiting):
    agency, dossier = waiting
    citizen = tracked(app, dossier)
    page = citizen.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    words = page_text(page)
    assert "200.000 đ" in words and "0071000123456" in words and "SO TU PHAP TINH TAY NINH" in words
    assert f"Nội dung chuyển khoản {dossier.code}" in words and "Vietcombank" in words
    svg = re.search(r'<svg role="img"[^>]*class="vietqr".*?</svg>', page, re.S)
    assert svg and "style=" not in svg.group(0)
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert "Đã thanh toán" not in words

    officer = officer_client(app, agency)
    response = upload(officer, csv_bytes([line(1, "FT26335001", "200.000", f"IBFT {dossier.code} nop phi")]))
    assert response.status_code == 303
    page = officer.get("/staff/thanh-toan").get_data(as_text=True)
    assert "1 hồ sơ đã nộp đủ" in page_text(page)

    words = page_text(citizen.get(f"/ho-so/{dossier.code}").get_data(as_text=True))
    assert "Đã thanh toán 200.000 đ — ngày 09:15 01/12/2026" in words
    assert 'class="vietqr"' not in citizen.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING


def test_the_qr_on_the_page_is_the_payload_for_the_fee(app, waiting):
    from app.services.payments import fees

    agency, dossier = waiting
    payload = fees.fee_of(dossier).payload
    decoded = vietqr.decode(payload)
    assert decoded.crc_ok and decoded.amount == 200000 and decoded.purpose == dossier.code


def test_another_browser_sees_no_payment(app, waiting):
    _agency, dossier = waiting
    stranger = fresh_client(app)
    response = stranger.get(f"/ho-so/{dossier.code}")
    assert response.status_code == 404
    assert "0071000123456" not in response.get_data(as_text=True)


def test_free_procedure_shows_no_payment(app, ctx):
    agency, proc = department()
    give_account(agency)
    proc.fee = 0
    db.session.commit()
    dossier = processing(proc)
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)  # a tax, say
    page = tracked(app, dossier).get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert 'id="payment"' not in page


def test_importing_the_same_file_twice_says_nothing_changed(app, waiting):
    agency, dossier = waiting
    officer = officer_client(app, agency)
    data = xlsx_bytes([[1, "01/12/2026 10:00:00", "TX1", None, 200000, None, dossier.code],
                       [2, "01/12/2026 10:05:00", "TX2", None, 30000, None, "ung ho"]])
    assert upload(officer, data, "sao-ke.xlsx").status_code == 303
    first = page_text(officer.get("/staff/thanh-toan").get_data(as_text=True))
    assert "Đã nhập 2 khoản mới" in first and "1 khoản chưa khớp hồ sơ" in first
    assert upload(officer, data, "sao-ke.xlsx").status_code == 303
    again = page_text(officer.get("/staff/thanh-toan").get_data(as_text=True))
    assert "Tệp đã được nhập trước đó: cả 2 khoản đều đã có, không thay đổi gì." in again
    assert db.session.query(BankCredit).count() == 2


@pytest.mark.parametrize("data, name, status, says", [
    (b"", "rong.csv", 422, "Tệp trống"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 8, "sao-ke.pdf", 415, "không phải bảng tính"),
    (csv_bytes([["a", "b"]], header=["x", "y"], title=[]), "cot-sai.csv", 422, "Không tìm thấy cột"),
    (csv_bytes([line(1, "T1", "hai tram", "x")]), "so-tien.csv", 422, "Dòng 6"),
    (csv_bytes([line(1, "T1", "200000", "x", when="99/99/9999")]), "ngay.csv", 422, "Ngày giao dịch"),
    (xlsx_bytes([[1, "01/12/2026", "T1", None, 1, None, "x"]], formula="=SUM(E1:E5)"), "f.xlsx", 422,
     "công thức"),
    (b"a,b\n" * (3 * 1024 * 1024), "lon.csv", 413, "5 MB"),
])
def test_bad_files_get_a_vietnamese_reason_and_change_nothing(app, waiting, data, name, status, says):
    agency, dossier = waiting
    officer = officer_client(app, agency)
    response = upload(officer, data, name)
    assert response.status_code == status
    assert says in page_text(response.get_data(as_text=True))
    assert db.session.query(BankCredit).count() == 0
    db.session.refresh(dossier)
    assert dossier.status == Status.AWAITING_PAYMENT


def test_no_file_at_all(app, waiting):
    agency, _dossier = waiting
    officer = officer_client(app, agency)
    token = csrf_token(officer.get("/staff/thanh-toan").get_data(as_text=True))
    response = officer.post("/staff/thanh-toan/sao-ke", data={"csrf_token": token})
    assert response.status_code == 422 and "Tệp trống" in response.get_data(as_text=True)


def test_an_officer_resolves_unmatched_credit_from_the_page(app, waiting):
    agency, dossier = waiting
    officer = officer_client(app, agency)
    upload(officer, csv_bytes([line(1, "T1", "200000", "chuyen tien phi")]))
    credit = db.session.execute(db.select(BankCredit)).scalar_one()
    page = officer.get("/staff/thanh-toan").get_data(as_text=True)
    assert f'id="credit-{credit.id}"' in page
    token = csrf_token(page)
    url = f"/staff/thanh-toan/khoan/{credit.id}/gan"
    wrong = officer.post(url, data={"csrf_token": token, "code": "SAI"})
    assert wrong.status_code == 422 and "Không tìm thấy hồ sơ SAI" in wrong.get_data(as_text=True)
    done = officer.post(url, data={"csrf_token": token, "code": dossier.code})
    assert done.status_code == 303
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING


def test_another_agencys_officer_cannot_import_into_or_decide_for_us(app, waiting):
    agency, dossier = waiting
    ours = officer_client(app, agency)
    upload(ours, csv_bytes([line(1, "T1", "200000", "khong ro"), line(2, "T2", "150000", dossier.code)]))
    credit = db.session.execute(db.select(BankCredit).filter_by(transaction_id="T1")).scalar_one()
    payment = db.session.execute(db.select(Payment).filter_by(dossier_id=dossier.id)).scalar_one()

    other, _proc = department("000.02.00.H40", "Sở Xây dựng", "1.000001")
    theirs = officer_client(app, other)
    page = theirs.get("/staff/thanh-toan").get_data(as_text=True)
    assert "T1" not in page_text(page) and dossier.code not in page
    token = csrf_token(page)
    for url, form in [(f"/staff/thanh-toan/khoan/{credit.id}/gan", {"code": dossier.code}),
                      (f"/staff/thanh-toan/khoan/{credit.id}/bo-qua", {"note": "x"}),
                      (f"/staff/thanh-toan/ho-so/{payment.id}/xu-ly", {"note": "x", "accept": "1"})]:
        assert theirs.post(url, data={"csrf_token": token, **form}).status_code == 404
    # Their statement naming our dossier goes to their account's list, not to our dossier.
    give_account(other)
    assert upload(theirs, csv_bytes([line(1, "T9", "50000", dossier.code)])).status_code == 303
    db.session.refresh(dossier)
    assert db.session.get(BankCredit, credit.id).dossier_id is None
    theirs_credit = db.session.execute(db.select(BankCredit).filter_by(transaction_id="T9")).scalar_one()
    assert theirs_credit.dossier_id is None


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LEADER, Role.ADMIN])
def test_only_department_officers_import(app, waiting, role):
    client = officer_client(app, None, role)
    assert client.get("/staff/thanh-toan").status_code == 403
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    response = client.post("/staff/thanh-toan/sao-ke", data={"csrf_token": token})
    assert response.status_code == 403


def test_citizens_and_anonymous_are_kept_out(app, waiting):
    anonymous = fresh_client(app)
    assert anonymous.get("/staff/thanh-toan").status_code in (302, 303)
    assert anonymous.get("/staff/quan-tri/tai-khoan-nhan-tien").status_code in (302, 303)
    citizen = fresh_client(app)
    sign_in(citizen, make_user(Role.CITIZEN))
    assert citizen.get("/staff/thanh-toan").status_code == 403


def test_admin_sets_an_agency_account(app, ctx):
    agency, _proc = department()
    admin = officer_client(app, None, Role.ADMIN)
    page = admin.get("/staff/quan-tri/tai-khoan-nhan-tien").get_data(as_text=True)
    assert "Chưa khai tài khoản" in page
    url = f"/staff/quan-tri/tai-khoan-nhan-tien/{agency.id}"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    bad = admin.post(url, data={"csrf_token": token, "bank_bin": "123", "account_number": "12 34-x!",
                                "account_name": ""})
    assert bad.status_code == 422
    assert "Vui lòng chọn ngân hàng" in bad.get_data(as_text=True)
    assert db.session.query(BankAccount).count() == 0
    good = admin.post(url, data={"csrf_token": token, "bank_bin": "970415",
                                 "account_number": "1140 0012 3456", "account_name": "SO XAY DUNG",
                                 "column_amount": "Có"})
    assert good.status_code == 303
    account = db.session.execute(db.select(BankAccount)).scalar_one()
    assert (account.bank_bin, account.account_number, account.columns) == ("970415", "114000123456",
                                                                             {"amount": "Có"})
    assert admin.get(f"/staff/quan-tri/tai-khoan-nhan-tien/{agency.id + 99}").status_code == 404
    officer = officer_client(app, agency)
    assert officer.get(url).status_code == 403


def test_an_account_the_qr_cannot_carry_still_shows_the_text(app, waiting):
    agency, dossier = waiting
    account = db.session.execute(db.select(BankAccount)).scalar_one()
    account.account_number = "0071-000-123456"  # stored before the form's rule, say
    db.session.commit()
    response = tracked(app, dossier).get(f"/ho-so/{dossier.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "0071-000-123456" in page and 'class="vietqr"' not in page


def test_a_statement_with_dates_only_shows_the_day_paid_and_no_made_up_time(app, waiting):
    agency, dossier = waiting
    citizen = tracked(app, dossier)
    officer = officer_client(app, agency)
    line_ = line(1, "FT26335009", "200.000", f"{dossier.code} nop phi", when="01/12/2026")
    assert upload(officer, csv_bytes([line_])).status_code == 303
    words = page_text(citizen.get(f"/ho-so/{dossier.code}").get_data(as_text=True))
    assert "Đã thanh toán 200.000 đ — ngày 01/12/2026." in words and "00:00" not in words


def test_with_no_receiving_account_the_page_sends_the_citizen_to_the_counter_now(app, ctx):
    agency, proc = department()  # no give_account: the administrator has not set one yet
    dossier = processing(proc)
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
    words = page_text(tracked(app, dossier).get(f"/ho-so/{dossier.code}").get_data(as_text=True))
    assert "Hồ sơ đang chờ bạn nộp phí tại quầy của Trung tâm để được tiếp tục xử lý." in words
    assert "bằng chuyển khoản" not in words and "khi đến nhận kết quả" not in words
    assert "200.000 đ" in words and "sao kê" not in words


def _fee_message(dossier):
    from app.models.notification import Notification

    return db.session.execute(db.select(Notification).filter_by(
        dossier_id=dossier.id, event="payment_requested", channel="email")).scalar_one()


def test_the_fee_request_tells_the_applicant_how_to_pay_without_a_trip(app, waiting):
    _agency, dossier = waiting
    message = _fee_message(dossier)
    assert message.subject == f"Hồ sơ {dossier.code}: mời bạn nộp phí, lệ phí"
    body = message.body
    assert "200.000 đ" in body and "0071000123456" in body and "SO TU PHAP TINH TAY NINH" in body
    assert f"Nội dung chuyển khoản (ghi đúng để hồ sơ được ghi nhận): {dossier.code}" in body
    assert "Vietcombank" in body and "nộp phí tại quầy" not in body


def test_the_fee_request_without_an_account_sends_the_applicant_to_the_counter(app, ctx):
    agency, proc = department()
    dossier = processing(proc)
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
    body = _fee_message(dossier).body
    assert "Vui lòng nộp phí tại quầy của Trung tâm." in body and "Số tài khoản" not in body


def test_the_fee_request_is_written_in_the_applicants_language(app, ctx):
    agency, proc = department()
    give_account(agency)
    dossier = processing(proc)
    dossier.language = "en"  # submitted in English (the officer's interface language is not asked)
    db.session.commit()
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
    message = _fee_message(dossier)
    assert message.subject == f"Dossier {dossier.code}: please pay the fee"
    assert "Account number: 0071000123456" in message.body
