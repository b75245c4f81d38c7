"""Migration 0015_payments: four new tables on top of 0014, dropped again by its downgrade."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_helpers import app_at

TABLES = {"bank_account", "statement_import", "bank_credit", "payment"}


def test_upgrade_adds_the_payment_tables_and_downgrade_removes_them(tmp_path):
    with app_at(tmp_path, "0014"):
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        upgrade(revision="0015_payments")
        inspector = sa.inspect(db.engine)
        assert TABLES <= set(inspector.get_table_names())
        assert any(u["column_names"] == ["agency_id", "transaction_id"]
                   for u in inspector.get_unique_constraints("bank_credit"))
        downgrade(revision="0014")
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
