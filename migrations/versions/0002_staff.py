"""staff workspace: supplement requests, queue columns and indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:32:55.521404

"""
import re
import unicodedata
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _fold(text):
    # A copy of app.lib.text.fold: a migration must not change when the app does.
    text = (text or "").lower().replace("đ", "d")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip()[:255]


def upgrade():
    op.create_table('supplement_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('items', sa.String(length=4000), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('from_status', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_label', sa.String(length=255), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answer_key', sa.String(length=36), nullable=True),
    sa.Column('answer_hash', sa.String(length=64), nullable=False),
    sa.Column('answer_note', sa.String(length=2000), nullable=False),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_key')
    )
    with op.batch_alter_table('supplement_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplement_request_dossier_id'), ['dossier_id'], unique=False)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('clock_stopped_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('supplement_count', sa.Integer(), server_default='0', nullable=False))
        # The staff queue: per-status counts and the overdue test read only ix_dossier_queue;
        # "all statuses" walks ix_dossier_due in order; the others serve one filter each
        # (a name search scans the small search-name index instead of the table).
        batch_op.create_index('ix_dossier_queue', ['status', 'due_date', 'clock_stopped_on', 'supplement_count'], unique=False)
        batch_op.create_index('ix_dossier_due', ['due_date', 'id'], unique=False)
        batch_op.create_index('ix_dossier_procedure_status_due', ['procedure_id', 'status', 'due_date'], unique=False)
        batch_op.create_index('ix_dossier_channel_status_due', ['channel', 'status', 'due_date'], unique=False)
        batch_op.create_index('ix_dossier_search_name', ['search_name', 'status', 'due_date', 'id'], unique=False)

    # Fill the new columns for dossiers that already exist.
    conn = op.get_bind()
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('applicant_name', sa.String),
                       sa.column('search_name', sa.String), sa.column('status', sa.Integer),
                       sa.column('finished_at', sa.DateTime), sa.column('clock_stopped_on', sa.Date))
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    rows = conn.execute(sa.select(dossier.c.id, dossier.c.applicant_name, dossier.c.status,
                                  dossier.c.finished_at)).all()
    for id_, name, status, finished in rows:
        stopped = finished.replace(tzinfo=UTC).astimezone(vn).date() if finished and status in (9, 10) else None
        conn.execute(dossier.update().where(dossier.c.id == id_).values(
            search_name=_fold(name), clock_stopped_on=stopped))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_search_name')
        batch_op.drop_index('ix_dossier_channel_status_due')
        batch_op.drop_index('ix_dossier_procedure_status_due')
        batch_op.drop_index('ix_dossier_due')
        batch_op.drop_index('ix_dossier_queue')
        batch_op.drop_column('supplement_count')
        batch_op.drop_column('clock_stopped_on')
        batch_op.drop_column('search_name')

    with op.batch_alter_table('supplement_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplement_request_dossier_id'))

    op.drop_table('supplement_request')
