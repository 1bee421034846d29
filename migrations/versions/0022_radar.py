"""The radar (上次承诺): a call linked to an earlier item as the same problem raised again.

Revision ID: 0022_radar
Revises: 0021_sso
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_radar"
down_revision = "0021_sso"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "repeats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("call_id", "kind", "item_id", name="uq_repeats_item"),
    )
    op.create_index("ix_repeats_call_id", "repeats", ["call_id"])
    op.create_index("ix_repeats_item_id", "repeats", ["item_id"])


def downgrade():
    op.drop_index("ix_repeats_item_id", table_name="repeats")
    op.drop_index("ix_repeats_call_id", table_name="repeats")
    op.drop_table("repeats")
