"""active flags: an agency that no longer takes dossiers, a requirement retired from new ones

Revision ID: 0006
Revises: 0005

Both start true, so every existing agency and requirement carries on as before. Plain
ALTER TABLE rather than batch mode: SQLite would rebuild (drop and recreate) both tables,
which it refuses while procedures and documents point at them. SQLite drops a column in
place from 3.35 on.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("agency", "requirement"):
        # A literal default ("1" is true on both databases), which SQLite can add in place.
        op.add_column(table, sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))


def downgrade():
    for table in ("requirement", "agency"):
        op.drop_column(table, "active")
