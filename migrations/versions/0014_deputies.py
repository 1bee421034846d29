"""Deputies between shows: messages through a deputy's 代表码, deputy accounts.

Revision ID: 0014_deputies
Revises: 0010_staff_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_deputies"
down_revision = "0010_staff_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deputy_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deputy_id", sa.Integer(), sa.ForeignKey("deputies.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_deputy_messages_deputy_id", "deputy_messages", ["deputy_id"])
    op.create_index("ix_deputy_messages_status", "deputy_messages", ["status"])
    op.create_table(
        "message_senders",
        sa.Column(
            "message_id", sa.Integer(), sa.ForeignKey("deputy_messages.id"), primary_key=True
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
    )
    op.create_table(
        "message_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id", sa.Integer(), sa.ForeignKey("deputy_messages.id"), nullable=False
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_message_events_message_id", "message_events", ["message_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("deputy_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_deputy_id", "deputies", ["deputy_id"], ["id"])
    with op.batch_alter_table("reference_codes") as batch:
        batch.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_reference_codes_message_id", "deputy_messages", ["message_id"], ["id"]
        )
        batch.create_index("ix_reference_codes_message_id", ["message_id"])


def downgrade():
    with op.batch_alter_table("reference_codes") as batch:
        batch.drop_index("ix_reference_codes_message_id")
        batch.drop_constraint("fk_reference_codes_message_id", type_="foreignkey")
        batch.drop_column("message_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_deputy_id", type_="foreignkey")
        batch.drop_column("deputy_id")
    op.drop_index("ix_message_events_message_id", table_name="message_events")
    op.drop_table("message_events")
    op.drop_table("message_senders")
    op.drop_index("ix_deputy_messages_status", table_name="deputy_messages")
    op.drop_index("ix_deputy_messages_deputy_id", table_name="deputy_messages")
    op.drop_table("deputy_messages")
