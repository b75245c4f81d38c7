"""fee at submission: a procedure whose fee is paid by transfer when the dossier is filed

Revision ID: 0016_fee_at_submission
Revises: 0015_payments

One flag on procedure, false for every existing one (their fee is still asked for in status
6 only). Plain ALTER TABLE as in 0006: SQLite adds and (from 3.35) drops the column in place.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_fee_at_submission"
down_revision = "0015_payments"
branch_labels = None
depends_on = None


def upgrade():
    # A literal default ("0" is false on both databases), which SQLite can add in place.
    op.add_column("procedure", sa.Column("fee_at_submission", sa.Boolean(), nullable=False,
                                         server_default="0"))


def downgrade():
    op.drop_column("procedure", "fee_at_submission")
