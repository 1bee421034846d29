"""Renderers that report back (tally): what each overlay page shows, and when
it was last heard from.

Revision ID: 0033_tally
Revises: 0032_cue
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_tally"
down_revision = "0032_cue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "renderers",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column(
            "show_id",
            sa.Integer(),
            sa.ForeignKey("shows.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("layout", sa.String(length=20), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=True),
        sa.Column("showing_since", sa.DateTime(), nullable=False),
        sa.Column("connected_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_renderers_show_id", "renderers", ["show_id"])
    op.create_index("ix_renderers_sid", "renderers", ["sid"])


def downgrade():
    op.drop_index("ix_renderers_sid", table_name="renderers")
    op.drop_index("ix_renderers_show_id", table_name="renderers")
    op.drop_table("renderers")
