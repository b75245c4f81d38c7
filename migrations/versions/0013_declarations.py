"""declarations filled online: a requirement's declaration and blank form, a dossier's answers

Revision ID: 0013
Revises: 0012

Plain ALTER TABLE ADD COLUMN (nullable, or with a literal server default), which SQLite adds
in place: existing requirements have no declaration, existing dossiers none filled.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("requirement", sa.Column("declaration", sa.JSON(), nullable=True))
    op.add_column("requirement", sa.Column("blank_form", sa.String(length=500), nullable=False,
                                           server_default=""))
    op.add_column("dossier", sa.Column("declarations", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("dossier", "declarations")
    op.drop_column("requirement", "blank_form")
    op.drop_column("requirement", "declaration")
