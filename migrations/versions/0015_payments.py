"""payments: agencies' receiving bank accounts, imported statements, their credits, dossiers' fees

Revision ID: 0015_payments
Revises: 0014

Four new tables; nothing existing changes, so downgrading drops them and loses only payments.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_payments"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("bank_bin", sa.String(length=6), nullable=False),
        sa.Column("account_number", sa.String(length=19), nullable=False),
        sa.Column("account_name", sa.String(length=100), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id"),
    )
    op.create_table(
        "statement_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_statement_import_agency_id", "statement_import", ["agency_id"])
    op.create_table(
        "bank_credit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.String(length=500), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=8), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.ForeignKeyConstraint(["import_id"], ["statement_import.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "transaction_id", name="uq_bank_credit_transaction"),
    )
    op.create_index("ix_bank_credit_dossier_id", "bank_credit", ["dossier_id"])
    op.create_index("ix_bank_credit_open", "bank_credit", ["agency_id", "dossier_id", "dismissed"])
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("amount_due", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=255), nullable=False),
        sa.Column("resolution", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
    )
    op.create_index("ix_payment_agency_id", "payment", ["agency_id"])


def downgrade():
    op.drop_index("ix_payment_agency_id", table_name="payment")
    op.drop_table("payment")
    op.drop_index("ix_bank_credit_open", table_name="bank_credit")
    op.drop_index("ix_bank_credit_dossier_id", table_name="bank_credit")
    op.drop_table("bank_credit")
    op.drop_index("ix_statement_import_agency_id", table_name="statement_import")
    op.drop_table("statement_import")
    op.drop_table("bank_account")
