"""Migration 0002 fills the new workflow columns for dossiers that already exist."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, app_at


def test_upgrade_fills_search_name_and_clock_for_existing_dossiers(tmp_path):
    with app_at(tmp_path, "0001"):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            for id_, name, status, finished in ((1, "Đặng Thị Hồng", 9, datetime(2026, 3, 5, 18)),
                                                (2, "Lê Văn An", 4, None)):
                conn.execute(sa.text(
                    "INSERT INTO dossier (id, client_id, payload_hash, code, procedure_id, agency_id, "
                    "applicant_name, applicant_id_number, applicant_phone, applicant_email, "
                    "applicant_address, applicant_kind, tax_code, channel, status, submitted_at, "
                    "finished_at, return_method, form_data, version) VALUES (:id, :cid, '', :code, 1, 1, "
                    ":name, '', '', '', '', 'citizen', '', 2, :status, '2026-03-01 00:00:00', :finished, "
                    "'counter', '{}', 1)"),
                    {"id": id_, "cid": f"c{id_}", "code": f"X-{id_}", "name": name, "status": status,
                     "finished": finished})
        upgrade()
        rows = db.session.execute(sa.text(
            "SELECT search_name, clock_stopped_on, supplement_count FROM dossier ORDER BY id")).all()
        # 18:00 UTC on 5/3 is already 6/3 in Vietnam: the clock stopped on the local day.
        assert [tuple(r) for r in rows] == [("dang thi hong", "2026-03-06", 0), ("le van an", None, 0)]
        assert date.fromisoformat(rows[0][1]) == date(2026, 3, 6)
        downgrade(revision="0001")
