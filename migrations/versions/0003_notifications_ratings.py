"""notifications outbox, satisfaction ratings, report indexes

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_notification_dossier_id", "notification", ["dossier_id"])
    op.create_index("ix_notification_due", "notification",
                    ["sent_at", "failed_at", "next_attempt_at"])
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=36), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
        sa.UniqueConstraint("client_key"),
    )
    op.create_index("ix_rating_created_at", "rating", ["created_at"])
    # Reports select by when dossiers were accepted and finished.
    op.create_index("ix_dossier_accepted_at", "dossier", ["accepted_at"])
    op.create_index("ix_dossier_finished_at", "dossier", ["finished_at"])


def downgrade():
    op.drop_index("ix_dossier_finished_at", table_name="dossier")
    op.drop_index("ix_dossier_accepted_at", table_name="dossier")
    op.drop_index("ix_rating_created_at", table_name="rating")
    op.drop_table("rating")
    op.drop_index("ix_notification_due", table_name="notification")
    op.drop_index("ix_notification_dossier_id", table_name="notification")
    op.drop_table("notification")
