"""Response templates (models/replies.py): the office's usual words for an
action, for one category or for all, with placeholders.

Revision ID: 0034_replies
Revises: 0033_tally
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_replies"
down_revision = "0033_tally"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("categories.id"), nullable=True),
        sa.Column("title", sa.String(length=50), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_replies_action", "replies", ["action"])
    op.create_index("ix_replies_category_id", "replies", ["category_id"])


def downgrade():
    op.drop_index("ix_replies_category_id", table_name="replies")
    op.drop_index("ix_replies_action", table_name="replies")
    op.drop_table("replies")
