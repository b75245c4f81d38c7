"""Migration 0016_fee_at_submission: existing procedures keep their fee asked for in status 6
(the flag starts false); downgrade drops the column and keeps the procedures."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, app_at


def test_existing_procedures_start_without_the_flag_and_downgrade_drops_it(tmp_path):
    with app_at(tmp_path, "0015_payments"):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
        upgrade(revision="0016_fee_at_submission")
        assert db.session.execute(sa.text("SELECT fee_at_submission FROM procedure")).scalar_one() == 0
        db.session.execute(sa.text(  # a row added later without naming the column: false too
            "INSERT INTO procedure (id, code, name, field, description, agency_id, processing_time, "
            "time_unit, fee, online_level, postal_allowed, form_fields, search_text, active) "
            "VALUES (2, 'Q', 'Thủ tục 2', 'F', '', 1, 5, 'working_day', 1000, 'full', 1, '[]', '', 1)"))
        db.session.execute(sa.text("UPDATE procedure SET fee_at_submission = 1 WHERE id = 1"))
        db.session.commit()
        rows = db.session.execute(sa.text("SELECT id, fee_at_submission FROM procedure ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1), (2, 0)]
        db.session.remove()
        downgrade(revision="0015_payments")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("procedure")}
        assert "fee_at_submission" not in columns and "fee" in columns
        assert db.session.execute(sa.text("SELECT count(*) FROM procedure")).scalar_one() == 2
