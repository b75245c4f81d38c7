"""What the data-migration tests share: an app on an older schema, and the rows all of them need."""

from contextlib import contextmanager

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db

AGENCY = ("INSERT INTO agency (id, code, name, short_name, address, is_centre) "
          "VALUES (1, 'A', 'Sở', '', '', 0)")
PROCEDURE = ("INSERT INTO procedure (id, code, name, field, description, agency_id, processing_time, "
             "time_unit, fee, online_level, postal_allowed, form_fields, search_text, active) "
             "VALUES (1, 'P', 'Thủ tục', 'F', '', 1, 5, 'working_day', 0, 'full', 1, '[]', '', 1)")
DOSSIER = ("INSERT INTO dossier (id, client_id, payload_hash, code, procedure_id, agency_id, "
           "applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, "
           "applicant_kind, tax_code, channel, status, submitted_at, return_method, form_data, version) "
           "VALUES (1, 'c1', '', 'X-1', 1, 1, 'An', '', '', '', '', 'citizen', '', 2, :status, "
           "'2026-03-01 00:00:00', :return_method, '{}', 1)")


@contextmanager
def app_at(tmp_path, revision: str):
    """An app context on a new SQLite file migrated only up to `revision`."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        BLOB_STORE = str(tmp_path / "blobs")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision=revision)
        yield app
        db.session.remove()
        db.engine.dispose()


def add_agency_and_procedure(conn) -> None:
    """Agency 1 and its procedure 1, in the columns every revision so far has."""
    conn.execute(sa.text(AGENCY))
    conn.execute(sa.text(PROCEDURE))


def add_dossier(conn, status: int, return_method: str = "counter") -> None:
    """Dossier 1 ("X-1", procedure 1, filed online by An), in the columns every revision so far has."""
    conn.execute(sa.text(DOSSIER), {"status": status, "return_method": return_method})
