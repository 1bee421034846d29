"""交办: a message sent through a deputy's 代表码 becomes a board item. A
commitment's source is a call or such a message, exactly one of them; the
history of a message is append-only, as the events tables are.

On SQLite the commitments table is rebuilt (a column loses NOT NULL), which
migrations/env.py allows by running migrations with the foreign keys off; the
rows are checked against them before this migration commits.

Revision ID: 0016_assign
Revises: 0011_escalation
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_assign"
down_revision = "0015_topics"
branch_labels = None
depends_on = None

ONE_SOURCE = "(call_id IS NULL) <> (message_id IS NULL)"


def upgrade():
    with op.batch_alter_table("commitments") as batch:
        batch.alter_column("call_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_commitments_message_id", "deputy_messages", ["message_id"], ["id"]
        )
        batch.create_index("ix_commitments_message_id", ["message_id"])
        batch.create_check_constraint("ck_commitments_one_source", ONE_SOURCE)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION message_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'message events are append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER message_events_append_only BEFORE UPDATE OR DELETE "
            "ON message_events FOR EACH ROW EXECUTE FUNCTION message_events_append_only()"
        )
    else:
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rows that break a foreign key: {broken[:5]}")
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER message_events_no_{action.lower()} BEFORE {action} "
                "ON message_events BEGIN SELECT RAISE(ABORT, 'message events are "
                "append-only'); END"
            )


def downgrade():
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM commitments WHERE call_id IS NULL").first():
        raise RuntimeError("items given to departments from 代表码 messages cannot lose their source")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER message_events_append_only ON message_events")
        op.execute("DROP FUNCTION message_events_append_only()")
    else:
        op.execute("DROP TRIGGER message_events_no_update")
        op.execute("DROP TRIGGER message_events_no_delete")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_constraint("ck_commitments_one_source", type_="check")
        batch.drop_index("ix_commitments_message_id")
        batch.drop_constraint("fk_commitments_message_id", type_="foreignkey")
        batch.drop_column("message_id")
        batch.alter_column("call_id", existing_type=sa.Integer(), nullable=False)
