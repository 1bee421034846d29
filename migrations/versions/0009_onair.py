"""On air: what the moderator put on the broadcast overlay, and each call's
offset from the moment its show went live.

Revision ID: 0009_onair
Revises: 0008_loop
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_onair"
down_revision = "0008_loop"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "on_air",
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("show_id"),
    )
    with op.batch_alter_table("calls") as batch_op:
        batch_op.add_column(sa.Column("air_offset", sa.Integer(), nullable=True))
    # Calls logged while their show was live get their offset (portable: in Python).
    bind = op.get_bind()
    calls = sa.table(
        "calls",
        sa.column("id", sa.Integer),
        sa.column("show_id", sa.Integer),
        sa.column("received_at", sa.DateTime),
        sa.column("air_offset", sa.Integer),
    )
    shows = sa.table("shows", sa.column("id", sa.Integer), sa.column("went_live_at", sa.DateTime))
    rows = bind.execute(
        sa.select(calls.c.id, calls.c.received_at, shows.c.went_live_at)
        .join(shows, shows.c.id == calls.c.show_id)
        .where(shows.c.went_live_at.is_not(None))
    ).all()
    for call_id, received_at, went_live_at in rows:
        if received_at is not None and received_at >= went_live_at:
            offset = int((received_at - went_live_at).total_seconds())
            bind.execute(calls.update().where(calls.c.id == call_id).values(air_offset=offset))


def downgrade():
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_column("air_offset")
    op.drop_table("on_air")
