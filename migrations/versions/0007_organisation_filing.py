"""organisation filing: dossiers filed for an organisation, memberships as accepted invitations

Revision ID: 0007
Revises: 0006

A dossier is an organisation's only when it was filed for it (`dossier.organisation_id`,
with the person who filed it as `contact_name`); existing dossiers stay their owner's own,
since nothing recorded which were. A membership now names the invited login and is active
only once accepted: existing owners stay active, existing plain members had been added
without being asked, so they become invitations the person can accept or decline.

`membership` is rebuilt in batch mode (nothing points at it); `dossier` cannot be (its
documents, events and postal requests point at it), so its foreign key is added with the
column on SQLite, which accepts a REFERENCES clause in ADD COLUMN.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership") as batch:
        batch.add_column(sa.Column("login", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
    op.execute(sa.text(
        'UPDATE membership SET login = (SELECT COALESCE("user".email, "user".phone) FROM "user" '
        'WHERE "user".id = membership.user_id), created_at = CURRENT_TIMESTAMP, '
        "status = CASE WHEN role = 'owner' THEN 'active' ELSE 'pending' END, "
        "accepted_at = CASE WHEN role = 'owner' THEN CURRENT_TIMESTAMP END"))
    with op.batch_alter_table("membership") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("login", existing_type=sa.String(length=255), nullable=False)
        batch.alter_column("status", existing_type=sa.String(length=8), nullable=False)
        batch.alter_column("created_at", existing_type=sa.DateTime(), nullable=False)
        batch.create_foreign_key("fk_membership_invited_by_id_user", "user", ["invited_by_id"], ["id"])
        batch.create_unique_constraint("uq_membership_organisation_id_login", ["organisation_id", "login"])
        batch.create_index("ix_membership_login", ["login"])
    # An invitation is to a login, not an account: it is tied to one when accepted.
    op.execute(sa.text("UPDATE membership SET user_id = NULL WHERE status = 'pending'"))

    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text("ALTER TABLE dossier ADD COLUMN organisation_id INTEGER "
                           "REFERENCES organisation (id)"))
    else:
        op.add_column("dossier", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_dossier_organisation_id_organisation", "dossier", "organisation",
                              ["organisation_id"], ["id"])
    op.add_column("dossier", sa.Column("contact_name", sa.String(length=255), nullable=False,
                                       server_default=""))
    op.create_index("ix_dossier_organisation_id", "dossier", ["organisation_id"])
    # Staff search the queue by tax code.
    op.create_index("ix_dossier_tax_code", "dossier", ["tax_code"])


def downgrade():
    op.drop_index("ix_dossier_tax_code", table_name="dossier")
    op.drop_index("ix_dossier_organisation_id", table_name="dossier")
    op.drop_column("dossier", "contact_name")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_dossier_organisation_id_organisation", "dossier", type_="foreignkey")
    op.drop_column("dossier", "organisation_id")
    # Invitations never accepted have no account to go back to.
    op.execute(sa.text("DELETE FROM membership WHERE user_id IS NULL"))
    with op.batch_alter_table("membership") as batch:
        batch.drop_index("ix_membership_login")
        batch.drop_constraint("uq_membership_organisation_id_login", type_="unique")
        batch.drop_constraint("fk_membership_invited_by_id_user", type_="foreignkey")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        for column in ("accepted_at", "created_at", "invited_by_id", "status", "login"):
            batch.drop_column(column)
