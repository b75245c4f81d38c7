"""blob claims: who uploaded each blob, so a file is "held" only for the sender who sent it

Revision ID: 0020_blob_claims
Revises: 0019_result_signatures

A new table; nothing existing changes. Blobs uploaded before it have no claim: a device naming
one in a dossier, supplement or result is told it is missing (409 blobs_missing), uploads it
again from what it kept (the outbox keeps the bytes until the item is sent), and that upload
claims it. Documents already filed keep their blobs. Downgrading drops the claims.
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_blob_claims"
down_revision = "0019_result_signatures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "blob_claim",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blob.sha256"]),
        sa.PrimaryKeyConstraint("sha256", "holder"),
    )


def downgrade():
    op.drop_table("blob_claim")
