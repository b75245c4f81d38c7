"""agency api: department tokens, the change feed's order, answered API writes

Revision ID: 0011
Revises: 0010

Every dossier already in the database enters the change feed once, in the order of its id
(its number is its id), and the counter continues after the highest.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_api_token_agency_id", "api_token", ["agency_id"])
    op.create_table(
        "change_counter",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "dossier_change",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("dossier_id"),
    )
    op.create_index("ix_dossier_change_seq", "dossier_change", ["seq"])
    op.create_index("ix_dossier_change_agency_seq", "dossier_change", ["agency_id", "seq"])
    op.create_table(
        "agency_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "key", name="uq_agency_request_key"),
    )
    op.execute("INSERT INTO dossier_change (dossier_id, agency_id, seq) SELECT id, agency_id, id FROM dossier")
    op.execute("INSERT INTO change_counter (name, value) SELECT 'dossier', COALESCE(MAX(id), 0) FROM dossier")


def downgrade():
    op.drop_table("agency_request")
    op.drop_index("ix_dossier_change_agency_seq", table_name="dossier_change")
    op.drop_index("ix_dossier_change_seq", table_name="dossier_change")
    op.drop_table("dossier_change")
    op.drop_table("change_counter")
    op.drop_index("ix_api_token_agency_id", table_name="api_token")
    op.drop_table("api_token")
