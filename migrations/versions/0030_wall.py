"""The public question wall (提问墙): a question's place on the wall, viewers'
upvotes, blocked senders' fingerprints and the office's sensitive words
(seeded with a small default list the office edits).

Revision ID: 0030_wall
Revises: 0029_categories
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0030_wall"
down_revision = "0029_categories"
branch_labels = None
depends_on = None

# rules/wall.py DEFAULT_WORDS as they were when this ran (a migration never imports the app).
DEFAULT_WORDS = (
    "傻逼", "他妈的", "操你", "去死", "滚蛋", "王八蛋",
    "加微信", "代开发票", "刷单", "博彩",
    "fuck", "shit",
)  # fmt: skip


def upgrade():
    op.create_table(
        "wall_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("questions.id"), nullable=False),
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("review", sa.String(length=20), nullable=False),
        sa.Column("flagged", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("question_id"),
    )
    op.create_index("ix_wall_entries_show_id", "wall_entries", ["show_id"])
    op.create_index("ix_wall_entries_sender_key", "wall_entries", ["sender_key"])
    op.create_index("ix_wall_entries_address_key", "wall_entries", ["address_key"])
    op.create_table(
        "wall_votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("wall_entries.id"), nullable=False),
        sa.Column("browser_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("entry_id", "browser_key", name="uq_wall_votes_browser"),
        sa.UniqueConstraint("entry_id", "client_key", name="uq_wall_votes_client"),
    )
    op.create_index("ix_wall_votes_entry_id", "wall_votes", ["entry_id"])
    op.create_table(
        "wall_blocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("questions.id"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_wall_blocks_sender_key", "wall_blocks", ["sender_key"])
    op.create_index("ix_wall_blocks_address_key", "wall_blocks", ["address_key"])
    words = op.create_table(
        "sensitive_words",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("word", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("word"),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(words, [{"word": w, "active": True, "created_at": now} for w in DEFAULT_WORDS])


def downgrade():
    op.drop_table("sensitive_words")
    op.drop_index("ix_wall_blocks_address_key", table_name="wall_blocks")
    op.drop_index("ix_wall_blocks_sender_key", table_name="wall_blocks")
    op.drop_table("wall_blocks")
    op.drop_index("ix_wall_votes_entry_id", table_name="wall_votes")
    op.drop_table("wall_votes")
    op.drop_index("ix_wall_entries_address_key", table_name="wall_entries")
    op.drop_index("ix_wall_entries_sender_key", table_name="wall_entries")
    op.drop_index("ix_wall_entries_show_id", table_name="wall_entries")
    op.drop_table("wall_entries")
