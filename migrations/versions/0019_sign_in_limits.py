"""Sign-in limits: failed sign-ins counted per username (the lock they earn),
and staff sessions that end by themselves (last seen, for the idle timeout)
and tell their owner where they are (browser, address).

Revision ID: 0019_sign_in_limits
Revises: 0018_support_address
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_sign_in_limits"
down_revision = "0018_support_address"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_limits",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sign_in_limits_last_failure_at", "sign_in_limits", ["last_failure_at"])
    with op.batch_alter_table("staff_sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("browser", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("address", sa.String(length=64), nullable=False, server_default="")
        )
    # A session open at the upgrade was last seen, as far as we know, when it began.
    op.execute("UPDATE staff_sessions SET last_seen_at = created_at")
    with op.batch_alter_table("staff_sessions") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)
        batch.alter_column("browser", existing_type=sa.String(length=100), server_default=None)
        batch.alter_column("address", existing_type=sa.String(length=64), server_default=None)


def downgrade():
    with op.batch_alter_table("staff_sessions") as batch:
        batch.drop_column("address")
        batch.drop_column("browser")
        batch.drop_column("last_seen_at")
    op.drop_index("ix_sign_in_limits_last_failure_at", table_name="sign_in_limits")
    op.drop_table("sign_in_limits")
