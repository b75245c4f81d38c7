"""status_event message keys: a system note and actor label kept as key and parameters

Revision ID: 0017_timeline_keys
Revises: 0016_fee_at_submission

So the timeline is read in each reader's language (app/i18n.py). Four nullable columns;
existing rows keep NULL and are shown with their stored Vietnamese text, as before.
Downgrading drops the columns: the stored Vietnamese text stays, so nothing is lost but the
other languages. Plain ALTER TABLE (SQLite adds and drops these columns in place).
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_timeline_keys"
down_revision = "0016_fee_at_submission"
branch_labels = None
depends_on = None

COLUMNS = ("note_key", "note_params", "actor_key", "actor_params")


def upgrade():
    for name in COLUMNS:
        kind = sa.JSON() if name.endswith("_params") else sa.String(length=1000)
        op.add_column("status_event", sa.Column(name, kind, nullable=True))


def downgrade():
    for name in reversed(COLUMNS):
        op.drop_column("status_event", name)
