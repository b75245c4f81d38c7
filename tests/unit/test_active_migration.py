"""Migration 0006: agencies and requirements that existed before stay active; downgrade drops the flags."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db


def test_existing_agencies_and_requirements_stay_active(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        BLOB_STORE = str(tmp_path / "blobs")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO agency (id, code, name, short_name, address, is_centre) "
                                 "VALUES (1, 'A', 'Sở', '', '', 0), (2, 'C', 'Trung tâm', '', '', 1)"))
            conn.execute(sa.text(
                "INSERT INTO procedure (id, code, name, field, description, agency_id, processing_time, "
                "time_unit, fee, online_level, postal_allowed, form_fields, search_text, active) "
                "VALUES (1, 'P', 'Thủ tục', 'F', '', 1, 5, 'working_day', 0, 'full', 1, '[]', '', 1)"))
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
        db.session.remove()
        db.engine.dispose()
