"""Call events: what was done to a call on the desk, append-only.

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
        "call_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("call_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_call_events_call_id"), ["call_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # events_append_only() was created in 0002.
        op.execute(
            "CREATE TRIGGER call_events_append_only BEFORE UPDATE OR DELETE ON call_events "
            "FOR EACH ROW EXECUTE FUNCTION events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER call_events_no_{action.lower()} BEFORE {action} ON call_events "
                "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )


def downgrade():
    op.drop_table("call_events")
