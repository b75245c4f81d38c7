"""The official dossier code and its per-day sequence."""

from datetime import date

from app.extensions import db
from app.services.dossiers.codes import allocate_code


def test_sequence_per_agency_and_day(ctx):
    day = date(2026, 3, 12)
    assert allocate_code("000.00.00.H40", day) == "000.00.00.H40-260312-0001"
    assert allocate_code("000.00.00.H40", day) == "000.00.00.H40-260312-0002"
    assert allocate_code("000.00.00.H40", date(2026, 3, 13)) == "000.00.00.H40-260313-0001"
    assert allocate_code("000.00.00.H56", day) == "000.00.00.H56-260312-0001"
    db.session.commit()


def test_rolled_back_number_is_reused_so_there_are_no_gaps(ctx):
    day = date(2026, 3, 12)
    allocate_code("000.00.00.H40", day)
    db.session.commit()
    allocate_code("000.00.00.H40", day)
    db.session.rollback()  # the submission failed after taking a number
    assert allocate_code("000.00.00.H40", day) == "000.00.00.H40-260312-0002"
    db.session.commit()
