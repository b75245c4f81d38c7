"""document blob index: which documents name a blob, for pruning blobs nobody names

Revision ID: 0010
Revises: 0009

`flask prune-blobs` deletes blobs no document names; each delete makes the database look
for documents naming it (the foreign key), which without this index reads every document.
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_document_sha256", "document", ["sha256"])


def downgrade():
    op.drop_index("ix_document_sha256", table_name="document")
