"""Two officers importing the same statement at the same moment, on PostgreSQL with real threads:
every credit is stored once, the fee counted once, the dossier confirmed once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.extensions import db
from app.models import BankCredit, Dossier, Payment, Status, StatusEvent
from app.services import workflow
from app.services.payments import imports
from tests.agency_helpers import department, officer_of, processing
from tests.payment_helpers import csv_bytes, give_account, line

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(app, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://...")
    return app


def test_the_same_statement_imported_twice_at_once(pg):
    with pg.app_context():
        agency, proc = department()
        give_account(agency)
        dossier = processing(proc)
        workflow.request_payment(dossier, officer_of(agency), version=dossier.version)
        data = csv_bytes([line(1, "FT1", "200000", dossier.code), line(2, "FT2", "5000", "khong ro"),
                          line(3, "FT3", "7000", "khong ro nua")])
        agency_id, dossier_id, officer = agency.id, dossier.id, officer_of(agency)
        db.session.remove()
    barrier = threading.Barrier(2)

    def officer_imports(_n):
        with pg.app_context():
            try:
                barrier.wait()
                return imports.import_statement(agency_id, data, "sao-ke.csv", officer, "Cán bộ").added
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        added = sorted(pool.map(officer_imports, range(2)))
    assert added == [0, 3]
    with pg.app_context():
        assert db.session.query(BankCredit).count() == 3
        assert db.session.execute(db.select(Payment)).scalar_one().amount_paid == 200000
        assert db.session.get(Dossier, dossier_id).status == Status.PROCESSING
        confirms = db.session.execute(db.select(StatusEvent).filter_by(
            dossier_id=dossier_id, from_status=Status.AWAITING_PAYMENT)).scalars().all()
        assert len(confirms) == 1
