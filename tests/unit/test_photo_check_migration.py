"""Migration 0018_document_photo_check: existing documents read as "not checked" (NULL), so staff
see nothing new beside them; downgrade drops the column and keeps the documents."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import add_agency_and_procedure, app_at

BEFORE = "0017_timeline_keys"
DOSSIER = ("INSERT INTO dossier (id, client_id, payload_hash, code, procedure_id, agency_id, "
           "applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, "
           "applicant_kind, tax_code, channel, status, submitted_at, return_method, form_data, search_name, "
           "version) "
           "VALUES (1, 'k', 'h', 'C-1', 1, 1, 'An', '079203001234', '0912345678', '', 'x', 'citizen', '', "
           "2, 1, '2026-01-01 00:00:00', 'counter', '{}', 'an', 1)")
BLOB = ("INSERT INTO blob (sha256, size, media_type, storage_key, created_at) "
        "VALUES ('ab', 3, 'image/jpeg', 'ab', '2026-01-01')")
DOCUMENT = ("INSERT INTO document (id, dossier_id, requirement_id, round, original_name, media_type, "
            "size, sha256, created_at) VALUES (1, 1, NULL, 'initial', 'a.jpg', 'image/jpeg', 3, 'ab', "
            "'2026-01-01')")


def test_existing_documents_are_unchecked_and_downgrade_keeps_them(tmp_path):
    with app_at(tmp_path, BEFORE):
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            for statement in (DOSSIER, BLOB, DOCUMENT):
                conn.execute(sa.text(statement))
        upgrade(revision="0018_document_photo_check")
        assert db.session.execute(sa.text("SELECT photo_check FROM document")).scalar_one() is None
        db.session.execute(sa.text("UPDATE document SET photo_check = '{\"issues\": [\"blurry\"]}'"))
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("document")}
        assert "photo_check" not in columns and "sha256" in columns
        assert db.session.execute(sa.text("SELECT original_name FROM document")).scalar_one() == "a.jpg"
