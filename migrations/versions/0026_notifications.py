"""Notifications: a caller's or sender's consent and e-mail, followers, and the outbox.

Revision ID: 0026_notifications
Revises: 0025_milestones
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_notifications"
down_revision = "0025_milestones"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("caller_contacts", "message_senders"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("email", sa.String(length=254), nullable=False, server_default="")
            )
            batch.add_column(
                sa.Column("notify", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False, unique=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("deputy_messages.id"), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
    )
    for column in ("kind", "call_id", "message_id", "target_id", "area"):
        op.create_index(f"ix_subscriptions_{column}", "subscriptions", [column])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=120), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column(
            "subscription_id", sa.Integer(), sa.ForeignKey("subscriptions.id"), nullable=True
        ),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id"), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
    )
    for column in ("subscription_id", "event_id", "status", "next_attempt_at", "recipient", "sent_at"):
        op.create_index(f"ix_notifications_{column}", "notifications", [column])


def downgrade():
    op.drop_table("notifications")
    op.drop_table("subscriptions")
    for table in ("message_senders", "caller_contacts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("notify")
            batch.drop_column("email")
