"""Cue → preview → take: the cue list, its state per show (preview, QR bug,
lock), name supers (人名条), the on-air row's auto-out, and API token scopes.

Revision ID: 0032_cue
Revises: 0031_crew
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_cue"
down_revision = "0031_crew"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cue_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "show_id",
            sa.Integer(),
            sa.ForeignKey("shows.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_cue_items_show_id", "cue_items", ["show_id"])
    op.create_table(
        "cue_states",
        sa.Column(
            "show_id",
            sa.Integer(),
            sa.ForeignKey("shows.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("preview_id", sa.Integer(), nullable=True),
        sa.Column("bug_on", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("bug_since", sa.DateTime(), nullable=True),
        sa.Column("bug_until", sa.DateTime(), nullable=True),
        sa.Column("locked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("locked_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "name_supers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "show_id",
            sa.Integer(),
            sa.ForeignKey("shows.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("line", sa.String(length=200), server_default="", nullable=False),
        sa.Column("deputy_id", sa.Integer(), sa.ForeignKey("deputies.id"), nullable=True),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("departments.id"), nullable=True),
    )
    op.create_index("ix_name_supers_show_id", "name_supers", ["show_id"])
    with op.batch_alter_table("on_air") as batch:
        batch.add_column(sa.Column("until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=20), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("on_air") as batch:
        batch.drop_column("until")
    op.drop_index("ix_name_supers_show_id", table_name="name_supers")
    op.drop_table("name_supers")
    op.drop_table("cue_states")
    op.drop_index("ix_cue_items_show_id", table_name="cue_items")
    op.drop_table("cue_items")
