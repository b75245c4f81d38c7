"""result signatures: which result documents the centre signed, when, by whom, their key's digest

Revision ID: 0019_result_signatures
Revises: 0018_document_photo_check

A new table; nothing existing changes. Results attached before it have no row, so they are
no longer called signed: a PDF attached before results were signed never was, and a result
signed before the stamp still verifies by its file at /xac-thuc (only the code + key lookup,
which needs the printed key, is new). Downgrading drops the table and those facts with it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_result_signatures"
down_revision = "0018_document_photo_check"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "result_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id"),
    )


def downgrade():
    op.drop_table("result_signature")
