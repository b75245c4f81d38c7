"""Migration 0006: agencies and requirements that existed before stay active; downgrade drops the flags."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, app_at


def test_existing_agencies_and_requirements_stay_active(tmp_path):
    with app_at(tmp_path, "0005"):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            conn.execute(sa.text("INSERT INTO agency (id, code, name, short_name, address, is_centre) "
                                 "VALUES (2, 'C', 'Trung tâm', '', '', 1)"))
            conn.execute(sa.text(
                "INSERT INTO requirement (id, procedure_id, position, name, mandatory, accepted_types) "
                "VALUES (1, 1, 0, 'Tờ khai', 1, 'pdf'), (2, 1, 1, 'Ảnh', 0, 'jpeg')"))
        upgrade()
        agencies = db.session.execute(sa.text("SELECT id, active FROM agency ORDER BY id")).all()
        reqs = db.session.execute(sa.text("SELECT id, name, active FROM requirement ORDER BY id")).all()
        assert [tuple(r) for r in agencies] == [(1, 1), (2, 1)]
        assert [tuple(r) for r in reqs] == [(1, "Tờ khai", 1), (2, "Ảnh", 1)]
        # A row added later without naming the column is active too (the server default).
        db.session.execute(sa.text("INSERT INTO agency (id, code, name, short_name, address, is_centre) "
                                   "VALUES (3, 'B', 'Sở khác', '', '', 0)"))
        db.session.commit()
        assert db.session.execute(sa.text("SELECT active FROM agency WHERE id = 3")).scalar_one() == 1
        db.session.remove()
        downgrade(revision="0005")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("requirement")}
        assert "active" not in columns and "mandatory" in columns
        assert db.session.execute(sa.text("SELECT count(*) FROM requirement")).scalar_one() == 2
