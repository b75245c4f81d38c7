"""Migration 0020_blob_claims: a table of its own. Blobs uploaded before it have no claim, so they
are held for nobody until sent again (the outbox does it on blobs_missing); documents keep
them. Downgrading drops the claims and leaves blobs and documents."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import app_at

BLOB = ("INSERT INTO blob (sha256, size, media_type, storage_key, created_at) "
        "VALUES ('ab', 3, 'image/jpeg', 'ab', '2026-01-01')")
CLAIM = "INSERT INTO blob_claim (sha256, holder, created_at) VALUES ('ab', :holder, '2026-12-01')"


def test_old_blobs_come_unclaimed_and_downgrade_keeps_them(tmp_path):
    with app_at(tmp_path, "0019_result_signatures"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(BLOB))
        upgrade(revision="0020_blob_claims")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("blob_claim")}
        assert columns == {"sha256", "holder", "created_at"}
        assert db.session.execute(sa.text("SELECT count(*) FROM blob_claim")).scalar_one() == 0
        db.session.execute(sa.text(CLAIM), {"holder": "h" * 64})
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):  # one claim per holder and blob
            db.session.execute(sa.text(CLAIM), {"holder": "h" * 64})
        db.session.rollback()
        db.session.remove()
        downgrade(revision="0019_result_signatures")
        assert "blob_claim" not in sa.inspect(db.engine).get_table_names()
        assert db.session.execute(sa.text("SELECT sha256 FROM blob")).scalar_one() == "ab"
