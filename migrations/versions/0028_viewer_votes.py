"""Viewers' votes on an answer on air (网友投票), kept apart from the placard count.

Revision ID: 0028_viewer_votes
Revises: 0027_pledge_terms
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_viewer_votes"
down_revision = "0027_pledge_terms"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "viewer_votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("browser_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("call_id", "browser_key", name="uq_viewer_votes_browser"),
        sa.UniqueConstraint("call_id", "client_key", name="uq_viewer_votes_client"),
    )
    op.create_index("ix_viewer_votes_call_id", "viewer_votes", ["call_id"])


def downgrade():
    op.drop_index("ix_viewer_votes_call_id", table_name="viewer_votes")
    op.drop_table("viewer_votes")
