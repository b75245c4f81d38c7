"""fees.fee_of with a procedure's "fee at submission" flag, in each status: the transfer is asked
for from filing on until the result is handed over, while unpaid; without the flag only in
status 6. fees.standing (the staff page) reads the fee in any status; the status page's read
keeps the state after the result was returned."""

import pytest

from app.extensions import db
from app.models import Status
from app.services.payments import fees
from tests.agency_helpers import department
from tests.factories import make_dossier
from tests.payment_helpers import give_account

ASKED_WITH_FLAG = {Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT,
                   Status.AWAITING_PAYMENT, Status.RESOLVED}


@pytest.fixture
def dossier(ctx):
    agency, proc = department()
    give_account(agency)
    return make_dossier(proc)


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("status", list(Status))
def test_the_transfer_is_asked_for_in_these_statuses(dossier, status, flag):
    dossier.procedure.fee_at_submission = flag
    dossier.status = status  # fee_of reads the status only; the workflow's rules are not its concern
    db.session.commit()
    fee = fees.fee_of(dossier)
    asked = status in ASKED_WITH_FLAG if flag else status == Status.AWAITING_PAYMENT
    if not asked:
        assert fee is None  # nothing paid, nothing asked: no fee box at all
        return
    assert (fee.amount_due, fee.remaining, fee.state, fee.content) == (200000, 200000, "due", dossier.code)
    assert fee.payload and fee.account.account_number == "0071000123456"


def test_a_free_procedure_asks_for_nothing_even_with_the_flag(dossier):
    dossier.procedure.fee_at_submission, dossier.procedure.fee = True, 0
    db.session.commit()
    assert fees.fee_of(dossier) is None


def test_once_paid_the_flag_asks_for_no_more(dossier):
    from app.lib.time import utcnow
    from app.models import Payment

    dossier.procedure.fee_at_submission = True
    db.session.add(Payment(dossier_id=dossier.id, agency_id=dossier.agency_id, amount_due=200000,
                           amount_paid=200000, paid_at=utcnow()))
    db.session.commit()
    fee = fees.fee_of(dossier)
    assert fee.state == "paid" and fee.payload is None and fee.remaining == 0


def test_a_dossier_being_filed_is_read_without_a_query_for_its_payment(ctx):
    from app.models import Dossier

    agency, proc = department()
    give_account(agency)
    proc.fee_at_submission = True
    new = Dossier(procedure=proc, agency_id=proc.agency_id, code="000.00.00.H40-261201-0001",
                  status=Status.SUBMITTED)
    assert fees.payment_of(new) is None
    assert fees.fee_of(new).payload
    db.session.rollback()


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("status", list(Status))
def test_the_staff_read_tells_the_fee_in_every_status_and_the_qr_only_where_asked(dossier, status, flag):
    dossier.procedure.fee_at_submission = flag
    dossier.status = status
    db.session.commit()
    fee = fees.standing(dossier)
    assert (fee.amount_due, fee.amount_paid, fee.state, fee.state_label) == (200000, 0, "due", "Chưa nộp")
    assert fee.unpaid and fee.asking == (fee.payload is not None) == fees.asks_now(dossier)


def test_the_status_page_keeps_the_state_after_the_result_was_returned(dossier):
    dossier.status = Status.RETURNED
    db.session.commit()
    assert fees.on_status_page(dossier) is None  # without the flag: as before
    dossier.procedure.fee_at_submission = True
    db.session.commit()
    fee = fees.on_status_page(dossier)
    assert fee.state == "due" and not fee.asking and fee.payload is None


def test_a_free_procedure_has_no_fee_to_tell_staff(dossier):
    dossier.procedure.fee = 0
    db.session.commit()
    assert fees.standing(dossier) is None


def test_counter_only_without_a_receiving_account(ctx):
    _agency, proc = department()
    assert not fees.counter_only(proc)  # not paid at submission
    proc.fee_at_submission = True
    assert fees.counter_only(proc)
    give_account(proc.agency)
    assert not fees.counter_only(proc)
