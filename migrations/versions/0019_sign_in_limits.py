"""Sign-in limits: failed sign-ins counted per username (the lock they earn).

Revision ID: 0019_sign_in_limits
Revises: 0016_assign
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_sign_in_limits"
down_revision = "0016_assign"
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


def downgrade():
    op.drop_index("ix_sign_in_limits_last_failure_at", table_name="sign_in_limits")
    op.drop_table("sign_in_limits")
