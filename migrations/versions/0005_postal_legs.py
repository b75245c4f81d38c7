"""postal legs (result out, originals in), changes and cancellation by the applicant

Revision ID: 0005
Revises: 0004

Each postal request gets one leg per way the post carries something; the result's state,
batch, waybill and dates move from postal_request to its "result" leg.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LEG_COLUMNS = "request_id, kind, state, batch, waybill, handed_on, done_on, failed_at, fail_reason, updated_at, version"
OLD_COLUMNS = ("state", "batch", "waybill", "handed_on", "delivered_on", "failed_at", "fail_reason")


def _create_legs_and_changes():
    op.create_table(
        "postal_leg",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("waybill", sa.String(length=32), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("fail_reason", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["postal_request.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "kind"),
    )
    op.create_index("ix_postal_leg_request_id", "postal_leg", ["request_id"])
    op.create_index("ix_postal_leg_kind_state_batch", "postal_leg", ["kind", "state", "batch"])
    op.create_table(
        "postal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=36), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["postal_request.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key"),
    )
    op.create_index("ix_postal_change_request_id", "postal_change", ["request_id"])


def upgrade():
    # SQLite rebuilds postal_request to drop columns, which it refuses while rows of another
    # table point at it: so the old state waits in a plain copy until the legs exist.
    op.execute("CREATE TABLE _postal_state AS SELECT id, direction, registered_at, "
               + ", ".join(OLD_COLUMNS) + " FROM postal_request")
    op.drop_index("ix_postal_request_state_batch", table_name="postal_request")
    with op.batch_alter_table("postal_request") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        for column in OLD_COLUMNS:
            batch.drop_column(column)
    _create_legs_and_changes()
    # The result leg carries on exactly where the request was; the originals were never handled.
    op.execute(f"INSERT INTO postal_leg ({LEG_COLUMNS}) "
               "SELECT id, 'result', state, batch, waybill, handed_on, delivered_on, failed_at, fail_reason, "
               "registered_at, 1 FROM _postal_state WHERE direction IN ('result', 'both')")
    op.execute(f"INSERT INTO postal_leg ({LEG_COLUMNS}) "
               "SELECT id, 'originals', 'registered', '', '', NULL, NULL, NULL, '', registered_at, 1 "
               "FROM _postal_state WHERE direction IN ('originals', 'both')")
    op.execute("DROP TABLE _postal_state")


def downgrade():
    # The result leg, or the originals leg of a request without one, becomes the request's state.
    op.execute("CREATE TABLE _postal_state AS SELECT request_id, kind, state, batch, waybill, handed_on, "
               "done_on, failed_at, fail_reason FROM postal_leg")
    op.drop_index("ix_postal_change_request_id", table_name="postal_change")
    op.drop_table("postal_change")
    op.drop_index("ix_postal_leg_kind_state_batch", table_name="postal_leg")
    op.drop_index("ix_postal_leg_request_id", table_name="postal_leg")
    op.drop_table("postal_leg")
    with op.batch_alter_table("postal_request") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="registered"))
        batch.add_column(sa.Column("batch", sa.String(length=32), nullable=False, server_default=""))
        batch.add_column(sa.Column("waybill", sa.String(length=32), nullable=False, server_default=""))
        batch.add_column(sa.Column("handed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("failed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("fail_reason", sa.String(length=500), nullable=False, server_default=""))
        batch.drop_column("cancelled_at")
    for kind in ("originals", "result"):  # the result leg last, so it wins for "both"
        source = f"FROM _postal_state s WHERE s.request_id = postal_request.id AND s.kind = '{kind}'"
        op.execute("UPDATE postal_request SET "
                   + ", ".join(f"{col} = (SELECT s.{src} {source})"
                               for col, src in zip(OLD_COLUMNS, ("state", "batch", "waybill", "handed_on",
                                                                 "done_on", "failed_at", "fail_reason"),
                                                   strict=True))
                   + f" WHERE EXISTS (SELECT 1 {source})")
    op.execute("DROP TABLE _postal_state")
    op.create_index("ix_postal_request_state_batch", "postal_request", ["state", "batch"])
