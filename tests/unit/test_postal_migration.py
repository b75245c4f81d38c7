"""Migration 0005 moves each request's postal state to its legs, and back on downgrade."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db

REQUEST = ("INSERT INTO postal_request (id, dossier_id, client_key, payload_hash, direction, recipient_name, "
           "phone, email, street, province_code, ward_code, note, fee, state, batch, waybill, registered_at, "
           "handed_on, delivered_on, failed_at, fail_reason) VALUES (:id, 1, :key, '', :direction, 'An', "
           "'0912345678', '', '1 Lê Lợi', 80, 27727, '', 25000, :state, :batch, :waybill, "
           "'2026-03-01 00:00:00', :handed, NULL, NULL, '')")


def test_upgrade_gives_each_request_its_legs_and_downgrade_gives_them_back(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        BLOB_STORE = str(tmp_path / "blobs")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO agency (id, code, name, short_name, address, is_centre) "
                                 "VALUES (1, 'A', 'Sở', '', '', 0)"))
            conn.execute(sa.text(
                "INSERT INTO procedure (id, code, name, field, description, agency_id, processing_time, "
                "time_unit, fee, online_level, postal_allowed, form_fields, search_text, active) "
                "VALUES (1, 'P', 'Thủ tục', 'F', '', 1, 5, 'working_day', 0, 'full', 1, '[]', '', 1)"))
            conn.execute(sa.text(
                "INSERT INTO dossier (id, client_id, payload_hash, code, procedure_id, agency_id, "
                "applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, "
                "applicant_kind, tax_code, channel, status, submitted_at, return_method, form_data, version) "
                "VALUES (1, 'c1', '', 'X-1', 1, 1, 'An', '', '', '', '', 'citizen', '', 2, 9, "
                "'2026-03-01 00:00:00', 'post', '{}', 1)"))
            for id_, direction, state, batch, waybill, handed in (
                    (1, "result", "handed_to_post", "BC-1", "EB1", "2026-03-02"),
                    (2, "originals", "registered", "", "", None),
                    (3, "both", "failed", "", "", None)):
                conn.execute(sa.text(REQUEST), {"id": id_, "key": f"k{id_}", "direction": direction,
                                                "state": state, "batch": batch, "waybill": waybill,
                                                "handed": handed})
        upgrade()
        legs = db.session.execute(sa.text(
            "SELECT request_id, kind, state, batch, waybill, handed_on FROM postal_leg "
            "ORDER BY request_id, kind")).all()
        assert [tuple(r) for r in legs] == [
            (1, "result", "handed_to_post", "BC-1", "EB1", "2026-03-02"),
            (2, "originals", "registered", "", "", None),
            (3, "originals", "registered", "", "", None),
            (3, "result", "failed", "", "", None)]
        db.session.remove()
        downgrade(revision="0004")
        back = db.session.execute(sa.text(
            "SELECT id, state, batch, waybill FROM postal_request ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(1, "handed_to_post", "BC-1", "EB1"), (2, "registered", "", ""),
                                            (3, "failed", "", "")]
        db.session.remove()
        db.engine.dispose()
