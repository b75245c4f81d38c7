"""Migration 0005 moves each request's postal state to its legs, and back on downgrade."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, add_dossier, app_at

REQUEST = ("INSERT INTO postal_request (id, dossier_id, client_key, payload_hash, direction, recipient_name, "
           "phone, email, street, province_code, ward_code, note, fee, state, batch, waybill, registered_at, "
           "handed_on, delivered_on, failed_at, fail_reason) VALUES (:id, 1, :key, '', :direction, 'An', "
           "'0912345678', '', '1 Lê Lợi', 80, 27727, '', 25000, :state, :batch, :waybill, "
           "'2026-03-01 00:00:00', :handed, NULL, NULL, '')")


def test_upgrade_gives_each_request_its_legs_and_downgrade_gives_them_back(tmp_path):
    with app_at(tmp_path, "0004"):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            add_dossier(conn, 9, return_method="post")
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
