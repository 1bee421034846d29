"""Milestones of long commitments (issue 29, point 3).

Revision ID: 0025_milestones
Revises: 0024_notfixed
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_milestones"
down_revision = "0024_notfixed"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "commitment_id", sa.Integer(), sa.ForeignKey("commitments.id"), nullable=False
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("shows", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("original_due_on", sa.Date(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("met_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_milestones_commitment_id", "milestones", ["commitment_id"])


def downgrade():
    op.drop_index("ix_milestones_commitment_id", table_name="milestones")
    op.drop_table("milestones")
