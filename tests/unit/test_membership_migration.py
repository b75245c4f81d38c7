"""Migration 0007: owners stay, members added without consent become invitations, dossiers stay personal."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, app_at

USERS = ("INSERT INTO \"user\" (id, email, phone, name, password_hash, role, active) VALUES "
         "(1, 'chu@a.vn', NULL, 'Chủ', 'x', 'business', 1), "
         "(2, NULL, '0912345678', 'Nhân', 'x', 'citizen', 1)")
DOSSIER = ("INSERT INTO dossier (id, client_id, payload_hash, code, procedure_id, agency_id, "
           "applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, "
           "applicant_kind, tax_code, owner_id, channel, status, submitted_at, return_method, form_data, "
           "version) VALUES (1, 'c1', '', 'X-1', 1, 1, 'Nhân', '', '', '', '', 'citizen', '', 2, 2, 1, "
           "'2026-03-01 00:00:00', 'counter', '{}', 1)")
ORGANISATION = ("INSERT INTO organisation (id, tax_code, name, address, default_return_post, created_at) "
                "VALUES (1, '0100109106', 'Công ty A', '', 1, '2026-01-01 00:00:00')")


def test_memberships_become_invitations_unless_owned_and_dossiers_stay_personal(tmp_path):
    with app_at(tmp_path, "0006"):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            conn.execute(sa.text(USERS))
            conn.execute(sa.text(ORGANISATION))
            conn.execute(sa.text("INSERT INTO membership (id, organisation_id, user_id, role) VALUES "
                                 "(1, 1, 1, 'owner'), (2, 1, 2, 'member')"))
            conn.execute(sa.text(DOSSIER))
        upgrade(revision="0007")
        rows = db.session.execute(sa.text("SELECT id, user_id, login, role, status, accepted_at IS NOT NULL "
                                          "FROM membership ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, "chu@a.vn", "owner", "active", 1),
                                           (2, None, "0912345678", "member", "pending", 0)]
        dossier = db.session.execute(sa.text("SELECT organisation_id, contact_name, owner_id "
                                             "FROM dossier")).one()
        assert tuple(dossier) == (None, "", 2)
        db.session.remove()
        downgrade(revision="0006")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("membership")}
        assert "status" not in columns and "login" not in columns
        assert "organisation_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("dossier")}
        # The invitation nobody accepted has no account to return to; the owner stays.
        left = db.session.execute(sa.text("SELECT id, user_id, role FROM membership")).all()
        assert [tuple(r) for r in left] == [(1, 1, "owner")]
        db.session.remove()
        upgrade()
