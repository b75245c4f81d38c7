"""Migration 0017 adds the timeline's message keys; old rows keep their text, and downgrade drops the keys."""

import os

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.models import StatusEvent
from tests.migration_helpers import add_agency_and_procedure, add_dossier, app_at

REVISION = "0017_timeline_keys"
BEFORE = ScriptDirectory(os.path.join(os.path.dirname(__file__), "..", "..", "migrations")) \
    .get_revision(REVISION).down_revision
KEYS = {"note_key", "note_params", "actor_key", "actor_params"}


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("status_event")}


def test_old_rows_keep_their_text_and_render_it_then_downgrade_drops_only_the_keys(tmp_path):
    with app_at(tmp_path, BEFORE) as app:
        with db.engine.begin() as conn:
            add_agency_and_procedure(conn)
            add_dossier(conn, 2)
            conn.execute(sa.text(
                "INSERT INTO status_event (id, dossier_id, from_status, to_status, actor_kind, actor_id, "
                "actor_label, note, created_at) VALUES (1, 1, 1, 2, 'user', NULL, 'Cán bộ', "
                "'Tiếp nhận; hẹn trả ngày 09/03/2026', '2026-03-02 00:00:00')"))
        assert not KEYS & _columns()
        upgrade(revision=REVISION)
        assert KEYS <= _columns()
        event = db.session.get(StatusEvent, 1)
        assert (event.note_key, event.note_params, event.actor_key, event.actor_params) == (None,) * 4
        with app.test_request_context("/?lang=en"):
            assert event.note_text == "Tiếp nhận; hẹn trả ngày 09/03/2026" and event.actor_text == "Cán bộ"
        db.session.remove()
        downgrade(revision=BEFORE)
        assert not KEYS & _columns()
        kept = db.session.execute(sa.text("SELECT actor_label, note FROM status_event")).one()
        assert tuple(kept) == ("Cán bộ", "Tiếp nhận; hẹn trả ngày 09/03/2026")
