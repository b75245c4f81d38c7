"""postal requests, organisations, members, saved addresses

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "postal_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=36), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("street", sa.String(length=255), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("waybill", sa.String(length=32), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("fail_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key"),
    )
    op.create_index("ix_postal_request_dossier_id", "postal_request", ["dossier_id"])
    op.create_index("ix_postal_request_state_batch", "postal_request", ["state", "batch"])
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("default_return_post", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tax_code"),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "user_id"),
    )
    op.create_index("ix_membership_user_id", "membership", ["user_id"])
    op.create_table(
        "saved_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("street", sa.String(length=255), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_address_organisation_id", "saved_address", ["organisation_id"])
    # "My dossiers" for an account reads by owner.
    op.create_index("ix_dossier_owner_id", "dossier", ["owner_id"])


def downgrade():
    op.drop_index("ix_dossier_owner_id", table_name="dossier")
    op.drop_index("ix_saved_address_organisation_id", table_name="saved_address")
    op.drop_table("saved_address")
    op.drop_index("ix_membership_user_id", table_name="membership")
    op.drop_table("membership")
    op.drop_table("organisation")
    op.drop_index("ix_postal_request_state_batch", table_name="postal_request")
    op.drop_index("ix_postal_request_dossier_id", table_name="postal_request")
    op.drop_table("postal_request")
