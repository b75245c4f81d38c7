"""Backup while serving, restore into a fresh instance, verify, and move SQLite → PostgreSQL."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import Blob, Document, Dossier, StatusEvent
from app.services.actors import Actor
from app.services.operations import backup as backups
from app.services.operations.move import move_to
from app.services.workflow import accept
from tests.factories import make_dossier, make_procedure, make_user

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _picture():
    """Everything the test compares: dossiers, the timeline, documents and their hashes."""
    dossiers = [(d.id, d.code, d.client_id, d.status, d.applicant_name, d.submitted_at, d.form_data)
                for d in db.session.execute(db.select(Dossier).order_by(Dossier.id)).scalars()]
    events = [(e.id, e.dossier_id, e.from_status, e.to_status, e.actor_label, e.note, e.created_at)
              for e in db.session.execute(db.select(StatusEvent).order_by(StatusEvent.id)).scalars()]
    documents = [(d.id, d.dossier_id, d.sha256, d.original_name)
                 for d in db.session.execute(db.select(Document).order_by(Document.id)).scalars()]
    blobs = [(b.sha256, b.storage_key, b.size)
             for b in db.session.execute(db.select(Blob).order_by(Blob.sha256)).scalars()]
    return dossiers, events, documents, blobs


def _fill():
    proc = make_procedure()
    officer = make_user("reception")
    dossiers = [make_dossier(proc) for _ in range(3)]
    accept(dossiers[0], Actor.of(officer))
    return dossiers


def _database_for(name: str, current: str) -> str:
    """A second empty database of the same kind as the suite's, for the restored instance."""
    url = make_url(current)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{name}.sqlite3"
    engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}_{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}_{name}"'))
    engine.dispose()
    return url.set(database=f"{url.database}_{name}").render_as_string(hide_password=False)


def _fresh_app(tmp_path, database_url: str):
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
        database_url = f"sqlite:///{tmp_path / database_url.removeprefix('sqlite:///')}"

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BLOB_STORE = str(tmp_path / "restored-blobs")

    fresh = create_app(Fresh)
    with fresh.app_context():
        upgrade()
    return fresh


def test_backup_restore_into_a_fresh_instance_keeps_everything(app, ctx, tmp_path):
    _fill()
    before = _picture()
    first = backups.backup(tmp_path / "backups")
    assert first.documents_copied == first.documents_total == len(before[3])
    make_dossier(db.session.execute(db.select(Dossier)).scalars().first().procedure)  # still serving
    second = backups.backup(tmp_path / "backups")
    assert second.documents_copied == 1  # incremental: only the new PDF (the photo is the same bytes)
    fresh = _fresh_app(tmp_path, _database_for("restore", app.config["SQLALCHEMY_DATABASE_URI"]))
    with fresh.app_context():
        result = backups.restore(first.folder, verify=True)
        assert result["bad_documents"] == []
        assert _picture() == before
        # A restored instance is not empty: restoring over it is refused.
        with pytest.raises(backups.BackupError, match="not empty"):
            backups.restore(tmp_path / "backups")
        db.session.remove()
        db.engine.dispose()


def test_verify_finds_a_missing_document(app, ctx):
    _fill()
    key = db.session.execute(db.select(Blob.storage_key)).scalars().first()
    backups.store().delete(key)
    assert backups.verify_documents() == [key]


def test_the_cli_backs_up_and_restores(app, ctx, tmp_path, runner):
    _fill()
    done = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    assert "new documents copied" in done.output
    refused = runner.invoke(args=["restore", str(tmp_path / "b")])
    assert refused.exit_code != 0 and "not empty" in refused.output


def test_move_from_sqlite_to_postgresql(app, ctx, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("moves from the embedded SQLite")
    try:
        target = _database_for("move", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL on this machine
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    _fill()
    before = _picture()
    copied = move_to(target)
    assert copied["dossier"] == 3 and copied["status_event"] == len(before[1])

    class Moved(TestConfig):
        SQLALCHEMY_DATABASE_URI = target
        BLOB_STORE = app.config["BLOB_STORE"]
        S3_ENDPOINT_URL = app.config.get("S3_ENDPOINT_URL", "")

    moved = create_app(Moved)
    with moved.app_context():
        assert _picture() == before
        make_dossier(db.session.execute(db.select(Dossier)).scalars().first().procedure)  # ids go on
        assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar() == 4
        db.session.remove()
        db.engine.dispose()
