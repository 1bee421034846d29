"""The crew's back channel: private notes and cue cards kept with a show.

Revision ID: 0031_crew
Revises: 0030_wall
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_crew"
down_revision = "0030_wall"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crew_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("cue", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True, unique=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_crew_notes_show_id", "crew_notes", ["show_id"])


def downgrade():
    op.drop_index("ix_crew_notes_show_id", table_name="crew_notes")
    op.drop_table("crew_notes")
