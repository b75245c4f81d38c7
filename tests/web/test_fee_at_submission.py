"""A fee paid at submission: the procedure page says so, the receipt carries the VietQR and the
transfer in text, the first message carries the transfer in the applicant's language; the
administrator sets the flag; an account number with letters is refused; the statement page
names the columns it reads."""

import re

import pytest

from app.extensions import db
from app.lib import vietqr
from app.models import BankAccount, Procedure, Role
from app.models.notification import Notification
from app.services.dossiers import submissions
from app.services.files import blobs
from app.services.files.uploads import inspect
from tests.agency_helpers import department
from tests.factories import jpeg_bytes, make_user, manifest, new_key, pdf_bytes
from tests.helpers import csrf_token, fresh_client, page_text, sign_in
from tests.payment_helpers import give_account, paid_at_submission
from tests.web.test_apply_form import form_for

SENTENCE = "Nộp ngay khi nộp hồ sơ, bằng chuyển khoản"


@pytest.fixture
def flagged(ctx):
    return paid_at_submission()[1]


def apply_and_open_receipt(app, proc) -> str:
    """File the plain form as a citizen does and return the receipt it lands on."""
    client = fresh_client(app)
    data, _page = form_for(client, proc)
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 303 and "/bien-nhan" in response.headers["Location"]
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200
    return receipt.get_data(as_text=True)


def the_code(html: str) -> str:
    return re.search(r'class="code-big">([^<]+)<', html).group(1)


def test_the_receipt_of_a_fee_at_submission_dossier_shows_the_vietqr_and_the_transfer(app, flagged):
    html = apply_and_open_receipt(app, flagged)
    code, words = the_code(html), page_text(html)
    assert "Nộp phí, lệ phí bằng chuyển khoản" in words
    assert "Thủ tục này nộp phí, lệ phí ngay khi nộp hồ sơ, bằng chuyển khoản." in words
    for said in ("Số tiền cần nộp 200.000 đ", "Ngân hàng Vietcombank", "Số tài khoản 0071000123456",
                 "Chủ tài khoản SO TU PHAP TINH TAY NINH", f"Nội dung chuyển khoản {code}"):
        assert said in words
    svg = re.search(r'<svg role="img"[^>]*class="vietqr".*?</svg>', html, re.S)
    assert svg and "style=" not in svg.group(0)
    # The QR carries what the text says: this account, the amount, the dossier code.
    payload = vietqr.build("970436", "0071000123456", 200000, code)
    assert vietqr.decode(payload).purpose == code
    assert html.count('class="vietqr"') == 1 and html.count("<svg") == 2  # and the tracking QR


def test_the_receipt_without_the_flag_shows_no_transfer(app, ctx):
    agency, proc = department()
    give_account(agency)
    html = apply_and_open_receipt(app, proc)
    assert 'class="vietqr"' not in html and 'id="payment"' not in html
    assert "Phí, lệ phí 200.000 đ" in page_text(html)  # the fee is still named


def test_a_free_procedure_with_the_flag_shows_no_transfer(app, flagged):
    flagged.fee = 0
    db.session.commit()
    html = apply_and_open_receipt(app, flagged)
    assert 'class="vietqr"' not in html and 'id="payment"' not in html


def test_the_receipt_without_an_account_sends_the_applicant_to_the_counter(app, ctx):
    _agency, proc = department()
    proc.fee_at_submission = True
    db.session.commit()
    words = page_text(apply_and_open_receipt(app, proc))
    assert "Vui lòng nộp phí tại quầy của Trung tâm." in words and 'vietqr' not in words


def _received(proc, language="vi") -> tuple[str, Notification]:
    """File a dossier in `language` (as tests.factories.make_dossier does) and return its e-mail."""
    docs = []
    for i, data in enumerate([jpeg_bytes(), pdf_bytes("to khai")]):
        blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
        docs.append((i, data))
    db.session.commit()
    dossier, _created = submissions.create_dossier(manifest(proc, docs), new_key(), language=language)
    return dossier.code, db.session.execute(db.select(Notification).filter_by(
        dossier_id=dossier.id, event="received", channel="email")).scalar_one()


def test_the_receipt_message_carries_the_transfer(flagged):
    code, message = _received(flagged)
    assert message.subject == f"Đã nhận hồ sơ {code}"
    body = message.body
    for said in ("Thủ tục này nộp phí, lệ phí ngay khi nộp hồ sơ: 200.000 đ.", "Ngân hàng: Vietcombank",
                 "Số tài khoản: 0071000123456", "Chủ tài khoản: SO TU PHAP TINH TAY NINH",
                 "Số tiền: 200.000 đ",
                 f"Nội dung chuyển khoản (ghi đúng để hồ sơ được ghi nhận): {code}",
                 f"/tra-cuu?ma={code}"):
        assert said in body


def test_the_receipt_message_is_in_english_for_an_english_dossier(flagged):
    code, message = _received(flagged, "en")
    assert message.subject == f"Dossier {code} received"
    body = message.body
    for said in ("Account number: 0071000123456", "Account holder: SO TU PHAP TINH TAY NINH",
                 "Bank: Vietcombank", "Amount: 200.000 đ", f": {code}"):
        assert said in body
    assert "Số tài khoản" not in body and "Chuyển khoản" not in body


def test_the_receipt_message_without_the_flag_says_nothing_of_a_transfer(ctx):
    agency, proc = department()
    give_account(agency)
    _code, message = _received(proc)
    assert "0071000123456" not in message.body and "nộp phí" not in message.body


def test_the_procedure_page_says_the_fee_is_paid_at_submission(client, flagged):
    assert SENTENCE in page_text(client.get(f"/thu-tuc/{flagged.code}").get_data(as_text=True))
    assert SENTENCE in page_text(client.get(f"/thu-tuc/{flagged.code}/nop").get_data(as_text=True))
    flagged.fee_at_submission = False
    db.session.commit()
    assert SENTENCE not in page_text(client.get(f"/thu-tuc/{flagged.code}").get_data(as_text=True))


def admin_client(app):
    client = fresh_client(app)
    sign_in(client, make_user(Role.ADMIN))
    return client


def test_the_administrator_sets_and_clears_the_flag(app, ctx):
    _agency, proc = department()
    admin = admin_client(app)
    url = f"/staff/quan-tri/thu-tuc/{proc.code}"
    page = admin.get(url).get_data(as_text=True)
    assert 'name="fee_at_submission"' in page and 'name="fee_at_submission" value="1" checked' not in page
    form = {"csrf_token": csrf_token(page), "name": proc.name, "processing_time": "10",
            "time_unit": "working_day", "cutoff_hour": "15", "fee": "200000", "postal_allowed": "1",
            "active": "1", "fee_at_submission": "1"}
    assert admin.post(url, data=form).status_code == 303
    db.session.expire_all()
    assert db.session.get(Procedure, proc.id).fee_at_submission is True
    assert 'name="fee_at_submission" value="1" checked' in admin.get(url).get_data(as_text=True)
    del form["fee_at_submission"]  # an unticked box is not sent
    assert admin.post(url, data=form).status_code == 303
    db.session.expire_all()
    assert db.session.get(Procedure, proc.id).fee_at_submission is False


@pytest.mark.parametrize("number, says", [
    ("0071000ABC456", "Số tài khoản chỉ gồm chữ số, không có chữ cái hay ký hiệu."),
    ("O071000123456", "Số tài khoản chỉ gồm chữ số, không có chữ cái hay ký hiệu."),  # a letter O
    ("００７１０００１２３", "Số tài khoản chỉ gồm chữ số, không có chữ cái hay ký hiệu."),  # full-width
    ("12345", "Số tài khoản gồm 6 đến 19 chữ số; số đã nhập có 5."),
    ("1" * 20, "Số tài khoản gồm 6 đến 19 chữ số; số đã nhập có 20."),
    ("", "Vui lòng nhập số tài khoản."),
])
def test_an_account_number_with_letters_or_of_the_wrong_length_is_refused(app, ctx, number, says):
    agency, _proc = department()
    give_account(agency)  # what was saved before stays as it was
    admin = admin_client(app)
    url = f"/staff/quan-tri/tai-khoan-nhan-tien/{agency.id}"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    response = admin.post(url, data={"csrf_token": token, "bank_bin": "970415", "account_number": number,
                                     "account_name": "SO MOI"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert says in page and 'id="account_number-error"' in page
    db.session.expire_all()
    account = db.session.execute(db.select(BankAccount)).scalar_one()
    assert (account.bank_bin, account.account_number, account.account_name) == (
        "970436", "0071000123456", "SO TU PHAP TINH TAY NINH")


def test_the_statement_page_names_the_columns_it_reads_with_the_agencys_own(app, ctx):
    agency, _proc = department()
    account = give_account(agency)
    officer = fresh_client(app)
    sign_in(officer, make_user(Role.DEPARTMENT, agency=agency))
    words = page_text(officer.get("/staff/thanh-toan").get_data(as_text=True))
    for said in ("Mã giao dịch “Số tham chiếu”", "Ngày giao dịch “Ngày giao dịch”",
                 "Số tiền ghi có “Số tiền ghi có”", "Nội dung “Nội dung”"):
        assert said in words
    account.columns = {"amount": "Tiền vào TK"}
    db.session.commit()
    words = page_text(officer.get("/staff/thanh-toan").get_data(as_text=True))
    assert "Số tiền ghi có “Tiền vào TK” (tên cột khai cho cơ quan), hoặc “Số tiền ghi có”" in words



def _png(payload: str) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def test_the_mailed_message_carries_the_vietqr_as_an_image_to_open_in_a_banking_app(app, flagged, smtp):
    from app.services.messaging.delivery import deliver_batch
    from app.services.payments import fees

    inbox, _controller = smtp
    code, message = _received(flagged)
    dossier = message.dossier
    expected = _png(fees.fee_of(dossier).payload)
    assert deliver_batch()[0] >= 1
    mail = next(m for m in inbox.messages if code in m["Subject"])
    images = [part for part in mail.iter_attachments() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content() == expected  # the payload of what is owed
    assert images[0].get_filename() == f"VietQR-{fees.transfer_content(code)}.png"
    assert "0071000123456" in mail.get_body(("plain",)).get_content()  # the text is still there


def test_a_message_sent_after_the_fee_was_paid_carries_no_code(app, flagged, smtp):
    from app.models import Payment
    from app.services.messaging.delivery import deliver_batch

    inbox, _controller = smtp
    code, message = _received(flagged)
    db.session.add(Payment(dossier_id=message.dossier_id, agency_id=flagged.agency_id,
                           amount_due=200_000, amount_paid=200_000))
    db.session.commit()
    assert deliver_batch()[0] >= 1
    mail = next(m for m in inbox.messages if code in m["Subject"])
    assert not [p for p in mail.iter_attachments() if p.get_content_type() == "image/png"]


def test_a_message_of_a_procedure_without_the_flag_carries_no_code(app, ctx, smtp):
    from app.services.messaging.delivery import deliver_batch

    inbox, _controller = smtp
    agency, proc = department()
    give_account(agency)
    code, _message = _received(proc)
    assert deliver_batch()[0] >= 1
    mail = next(m for m in inbox.messages if code in m["Subject"])
    assert not list(mail.iter_attachments())
