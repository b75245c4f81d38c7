"""Matching statement credits to dossiers: exact, partial, excess, unmatched, imported twice."""

import pytest

from app.extensions import db
from app.models import BankCredit, Payment, StatementImport, Status
from app.services import workflow
from app.services.errors import DomainError
from app.services.payments import fees, imports, matching, review
from tests.agency_helpers import department, officer_of, processing
from tests.payment_helpers import csv_bytes, give_account, line

FEE = 200000  # make_procedure's fee


@pytest.fixture
def setup(ctx):
    agency, proc = department()
    give_account(agency)
    return agency, proc, officer_of(agency)


def awaiting(proc, agency):
    """A dossier the department asked to pay its fee (status 6)."""
    dossier = processing(proc)
    workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
    db.session.refresh(dossier)
    assert dossier.status == Status.AWAITING_PAYMENT
    return dossier


def run(agency, officer, lines, name="sao-ke.csv"):
    return imports.import_statement(agency.id, csv_bytes(lines), name, officer, "Cán bộ Sở")


def squeezed(code: str) -> str:
    return code.replace(".", "").replace("-", " ")


@pytest.mark.parametrize("content", [
    "{code}", "MBVCB.8812.{squeezed}.CT tu NGUYEN VAN A", "nop phi ho so {code} ", "{code_lower} nop phi",
    "IBFT {nodash}", "ND: {spaced}",
])
def test_codes_are_found_as_banks_rewrite_them(ctx, content):
    code = "000.00.00.H40-261201-0007"
    text = content.format(code=code, squeezed=squeezed(code), code_lower=code.lower(),
                          nodash=code.replace(".", "").replace("-", ""), spaced=code.replace("-", " "))
    assert matching.codes_in(text, "000.00.00.H40") == [code]


def test_no_code_in_content(ctx):
    assert matching.codes_in("chuyen tien hoc phi 2612010007", "000.00.00.H40") == []


def test_exact_payment_confirms_through_the_workflow(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    summary = run(agency, officer, [line(1, "FT1", "200.000", f"MBVCB.1.{squeezed(dossier.code)}.CT")])
    assert (summary.added, summary.paid, summary.confirmed, summary.unmatched) == (1, 1, 1, 0)
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING
    assert dossier.events[-1].from_status == Status.AWAITING_PAYMENT and "FT1" in dossier.events[-1].note
    payment = db.session.execute(db.select(Payment)).scalar_one()
    assert (payment.state, payment.amount_paid) == ("paid", FEE) and payment.paid_at is not None
    assert fees.fee_of(dossier).state == "paid"


def test_paid_before_asked_records_without_moving_the_dossier(setup):
    agency, proc, officer = setup
    dossier = processing(proc)
    summary = run(agency, officer, [line(1, "FT1", "200000", dossier.code)])
    assert (summary.paid, summary.confirmed) == (1, 0)
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING


def test_partial_then_the_rest(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    summary = run(agency, officer, [line(1, "FT1", "150000", dossier.code)])
    assert (summary.partial, summary.confirmed) == (1, 0)
    assert [p.dossier_id for p in review.open_items(agency.id).partial] == [dossier.id]
    fee = fees.fee_of(dossier)
    assert (fee.state, fee.remaining) == ("partial", 50000)
    from app.lib import vietqr
    assert vietqr.decode(fee.payload).amount == 50000  # the QR now asks only for what is missing
    summary = run(agency, officer, [line(2, "FT2", "50000", dossier.code)])
    assert (summary.paid, summary.confirmed) == (1, 1)
    assert review.open_items(agency.id).partial == []


def test_excess_is_paid_and_listed(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    summary = run(agency, officer, [line(1, "FT1", "250000", dossier.code)])
    assert (summary.excess, summary.confirmed) == (1, 1)
    [payment] = review.open_items(agency.id).excess
    review.resolve(payment.id, "Đã hoàn 50.000 đ", False, officer)
    assert review.open_items(agency.id).excess == []


def test_unmatched_assigned_by_an_officer(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    summary = run(agency, officer, [line(1, "FT1", "200000", "nop phi ho so cho con"),
                                    line(2, "FT2", "50000", "000.00.00.H40-991231-9999")])
    assert (summary.unmatched, summary.paid) == (2, 0)
    first, second = sorted(review.open_items(agency.id).unmatched, key=lambda c: c.transaction_id)
    with pytest.raises(DomainError):
        review.assign(first.id, "000.00.00.H40-000000-0000", officer)
    review.assign(first.id, dossier.code.lower(), officer)
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING
    assert db.session.get(BankCredit, first.id).matched_by == "staff"
    with pytest.raises(DomainError):
        review.dismiss(second.id, " ", officer)
    review.dismiss(second.id, "Chuyển nhầm, đã hoàn trả", officer)
    assert review.open_items(agency.id).unmatched == []
    with pytest.raises(DomainError):  # decided once
        review.dismiss(second.id, "lại", officer)


def test_partial_accepted_as_paid_by_an_officer(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    run(agency, officer, [line(1, "FT1", "190000", dossier.code)])
    [payment] = review.open_items(agency.id).partial
    review.resolve(payment.id, "Miễn giảm theo quyết định", True, officer)
    db.session.refresh(dossier)
    assert dossier.status == Status.PROCESSING and fees.fee_of(dossier).state == "paid"


def test_importing_the_same_file_twice_changes_nothing(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    lines = [line(1, "FT1", "200000", dossier.code), line(2, "FT2", "70000", "khong ro")]
    first = run(agency, officer, lines)
    assert (first.added, first.duplicates) == (2, 0)
    counts = (db.session.query(BankCredit).count(), db.session.query(StatementImport).count())
    again = run(agency, officer, lines)
    assert (again.added, again.duplicates, again.paid, again.unmatched) == (0, 2, 0, 0)
    assert (db.session.query(BankCredit).count(), db.session.query(StatementImport).count()) == counts
    assert db.session.execute(db.select(Payment)).scalar_one().amount_paid == FEE
    # An overlapping statement: only its new line counts.
    third = run(agency, officer, [*lines, line(3, "FT3", "10000", dossier.code)])
    assert (third.added, third.duplicates, third.excess) == (1, 2, 1)


def test_another_agencys_dossier_is_not_matched(setup):
    agency, proc, officer = setup
    other, other_proc = department("000.02.00.H40", "Sở Xây dựng", "1.000001")
    theirs = awaiting(other_proc, other)
    summary = run(agency, officer, [line(1, "FT1", "200000", theirs.code)])
    assert summary.unmatched == 1
    [credit] = review.open_items(agency.id).unmatched
    with pytest.raises(DomainError):
        review.assign(credit.id, theirs.code, officer)
    with pytest.raises(DomainError) as caught:  # their officer cannot see our credit
        review.dismiss(credit.id, "x", officer_of(other))
    assert caught.value.status == 404


def test_a_bad_file_changes_nothing(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    with pytest.raises(DomainError):
        run(agency, officer, [line(1, "FT1", "200000", dossier.code), line(2, "FT2", "abc", "x")])
    assert db.session.query(BankCredit).count() == 0
    db.session.refresh(dossier)
    assert dossier.status == Status.AWAITING_PAYMENT


def test_no_account_no_import(ctx):
    agency, proc = department()
    with pytest.raises(DomainError) as caught:
        run(agency, officer_of(agency), [line(1, "FT1", "200000", "x")])
    assert "tài khoản nhận tiền" in caught.value.message


def test_fee_view_builds_the_qr_for_the_agency_account(setup):
    agency, proc, officer = setup
    dossier = awaiting(proc, agency)
    fee = fees.fee_of(dossier)
    from app.lib import vietqr
    decoded = vietqr.decode(fee.payload)
    assert (decoded.bank_bin, decoded.account, decoded.amount) == ("970436", "0071000123456", FEE)
    assert decoded.purpose == dossier.code == fee.content and decoded.crc_ok
    assert fee.bank == "Vietcombank"


def test_the_transfer_is_asked_for_only_when_the_department_asks(setup):
    agency, proc, officer = setup
    dossier = processing(proc)
    assert fees.fee_of(dossier) is None  # being processed: no fee asked yet
    workflow.request_payment(dossier, officer, version=dossier.version)
    assert fees.fee_of(dossier).payload is not None
