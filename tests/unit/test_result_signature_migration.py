"""Migration 0019_result_signatures: a table of its own; results attached before it have no row
(so none is called signed), and downgrading drops it and leaves the documents."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import app_at


def test_the_table_comes_empty_and_goes_without_touching_documents(tmp_path):
    with app_at(tmp_path, "0018_document_photo_check"):
        upgrade(revision="0019_result_signatures")
        inspector = sa.inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("result_signature")}
        assert columns == {"id", "document_id", "signed_at", "signer", "key_digest"}
        assert db.session.execute(sa.text("SELECT count(*) FROM result_signature")).scalar_one() == 0
        db.session.remove()
        downgrade(revision="0018_document_photo_check")
        tables = sa.inspect(db.engine).get_table_names()
        assert "result_signature" not in tables and "document" in tables
