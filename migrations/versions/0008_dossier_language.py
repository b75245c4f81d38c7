"""dossier language: the applicant's language, which messages to them are written in

Revision ID: 0008
Revises: 0007

Existing dossiers become Vietnamese, the language every message was meant to be in.
Plain ALTER TABLE with a literal server default, which SQLite adds in place (the dossier
table cannot be rebuilt in batch mode: its documents and events point at it).
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("dossier", sa.Column("language", sa.String(length=8), nullable=False,
                                       server_default="vi"))


def downgrade():
    op.drop_column("dossier", "language")
