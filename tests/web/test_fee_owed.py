"""A fee still owed is seen where it matters (walker F2, F3): the staff dossier page shows the fee,
what came and its state in words, and warns on the forms that move a dossier paid at submission
on while it is unpaid (a warning, not a block); the applicant keeps the transfer until the result
is handed over, and the state after; with no receiving account the procedure and apply pages send
the applicant to the counter, as the receipt does."""

import re

import pytest

from app.extensions import db
from app.lib.time import utcnow
from app.models import Payment, Role, Status
from app.services import workflow
from app.services.actors import Actor
from tests.agency_helpers import RECEPTION, department, processing
from tests.factories import make_dossier, make_user
from tests.helpers import fresh_client, page_text, sign_in
from tests.payment_helpers import give_account, paid_at_submission
from tests.postal_helpers import resolved
from tests.web.test_payments import tracked

WARNING = "Hồ sơ chưa nộp đủ phí, lệ phí (còn 200.000 đ)."


@pytest.fixture
def flagged(ctx):
    return paid_at_submission()


def staff_page(app, dossier, role=Role.RECEPTION) -> str:
    client = fresh_client(app)
    sign_in(client, make_user(role, agency=dossier.agency if role == Role.DEPARTMENT else None))
    response = client.get(f"/staff/ho-so/{dossier.code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def form_of(html: str, action: str) -> str:
    return re.search(rf'<form[^>]*id="action-{action}".*?</form>', html, re.S).group(0)


def pay(dossier, amount: int, paid: bool) -> None:
    db.session.add(Payment(dossier_id=dossier.id, agency_id=dossier.agency_id, amount_due=200000,
                           amount_paid=amount, paid_at=utcnow() if paid else None))
    db.session.commit()


def test_reception_sees_the_fee_unpaid_and_a_warning_on_accept_and_forward(app, flagged):
    _agency, proc = flagged
    dossier = make_dossier(proc)
    html = staff_page(app, dossier)
    words = page_text(html)
    assert "Số tiền phải nộp 200.000 đ (nộp khi nộp hồ sơ)" in words
    assert "Đã nhận 0 đ" in words and "Tình trạng Chưa nộp (còn 200.000 đ)" in words
    assert WARNING in page_text(form_of(html, "accept"))
    assert WARNING not in page_text(form_of(html, "refuse"))  # refusing owes nothing
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    assert WARNING in page_text(form_of(staff_page(app, dossier), "forward"))


def test_the_department_is_warned_before_it_resolves_and_reception_before_it_returns(app, flagged):
    agency, proc = flagged
    dossier = processing(proc)
    assert WARNING in page_text(form_of(staff_page(app, dossier, Role.DEPARTMENT), "resolve"))
    dossier = resolved(make_dossier(proc), "counter")
    html = staff_page(app, dossier)
    assert dossier.status == Status.RESOLVED and WARNING in page_text(form_of(html, "return_counter"))
    # A warning, not a block: the officer may hold a paper receipt.
    workflow.return_result(dossier, Actor.of(make_user("reception")), "counter", version=dossier.version)
    assert dossier.status == Status.RETURNED


def test_a_paid_fee_is_said_paid_and_warns_no_one(app, flagged):
    _agency, proc = flagged
    dossier = make_dossier(proc)
    pay(dossier, 200000, paid=True)
    html = staff_page(app, dossier)
    words = page_text(html)
    assert "Tình trạng Đã nộp đủ" in words and "Đã nhận 200.000 đ — ngày" in words
    assert "chưa nộp đủ phí" not in words


def test_a_part_payment_is_said_short_with_what_remains(app, flagged):
    _agency, proc = flagged
    dossier = make_dossier(proc)
    pay(dossier, 150000, paid=False)
    html = staff_page(app, dossier)
    assert "Tình trạng Nộp thiếu (còn 50.000 đ)" in page_text(html)
    assert "Hồ sơ chưa nộp đủ phí, lệ phí (còn 50.000 đ)." in page_text(form_of(html, "accept"))


def test_an_excess_is_said_and_a_free_procedure_has_no_fee_box(app, flagged):
    _agency, proc = flagged
    dossier = make_dossier(proc)
    pay(dossier, 250000, paid=True)
    assert "Tình trạng Nộp thừa" in page_text(staff_page(app, dossier))
    proc.fee = 0
    free = make_dossier(proc)
    assert 'id="fee"' not in staff_page(app, free)


def test_a_fee_asked_in_status_6_is_shown_to_staff_without_the_submission_warning(app, ctx):
    agency, proc = department()
    give_account(agency)
    dossier = processing(proc)
    html = staff_page(app, dossier, Role.DEPARTMENT)
    words = page_text(html)
    assert "Tình trạng Chưa nộp (còn 200.000 đ)" in words and "(nộp khi nộp hồ sơ)" not in words
    assert "chưa nộp đủ phí" not in html


def test_the_applicant_keeps_the_transfer_when_resolved_and_the_state_once_returned(app, flagged):
    _agency, proc = flagged
    dossier = resolved(make_dossier(proc), "counter")
    client = tracked(app, dossier)
    html = client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert dossier.status == Status.RESOLVED
    assert "Nộp phí, lệ phí bằng chuyển khoản" in html and 'class="vietqr"' in html
    assert "Số tài khoản 0071000123456" in page_text(html)
    workflow.return_result(dossier, Actor.of(make_user("reception")), "counter", version=dossier.version)
    html = client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    words = page_text(html)
    assert 'id="payment"' in html and "Chưa nộp" in words and "Số tiền cần nộp 200.000 đ" in words
    assert 'class="vietqr"' not in html and "0071000123456" not in html


def test_without_the_flag_a_resolved_dossier_shows_no_fee_as_before(app, ctx):
    agency, proc = department()
    give_account(agency)
    dossier = resolved(make_dossier(proc), "counter")
    html = tracked(app, dossier).get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert 'id="payment"' not in html


def test_without_an_account_the_procedure_and_apply_pages_say_the_counter(client, ctx):
    agency, proc = department()
    proc.fee_at_submission = True
    db.session.commit()
    for url in (f"/thu-tuc/{proc.code}", f"/thu-tuc/{proc.code}/nop"):
        words = page_text(client.get(url).get_data(as_text=True))
        assert "Nộp ngay khi nộp hồ sơ. Vui lòng nộp phí tại quầy của Trung tâm." in words
        assert "VietQR" not in words and "bằng chuyển khoản" not in words
    give_account(agency)
    words = page_text(client.get(f"/thu-tuc/{proc.code}").get_data(as_text=True))
    assert "bằng chuyển khoản: giấy tiếp nhận có mã VietQR" in words and "tại quầy" not in words

