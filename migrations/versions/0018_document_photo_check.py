"""document photo_check: what the applicant's phone found wrong with a photo they kept anyway

Revision ID: 0018_document_photo_check
Revises: 0017_timeline_keys

One nullable JSON column. Existing documents keep NULL ("not checked"), which is what staff
see for them: nothing. Plain ALTER TABLE, which SQLite adds in place.
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_document_photo_check"
down_revision = "0017_timeline_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("document", sa.Column("photo_check", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    op.drop_column("document", "photo_check")
