"""dossier sent_from: which browser sent a dossier, so a replay of its key is shown to it only

Revision ID: 0012
Revises: 0011

Existing dossiers keep "" (no browser recorded): a replay of their key is shown to the
account that may see them or a browser that opened them, and to nobody else.
Plain ALTER TABLE with a literal server default, which SQLite adds in place (the dossier
table cannot be rebuilt in batch mode: its documents and events point at it).
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("dossier", sa.Column("sent_from", sa.String(length=64), nullable=False,
                                       server_default=""))


def downgrade():
    op.drop_column("dossier", "sent_from")
