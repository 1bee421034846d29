"""Verification codes (核验码): the versions of calls and board items as shown.

Revision ID: 0023_claim_versions
Revises: 0022_radar
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_claim_versions"
down_revision = "0022_radar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=8), nullable=False, unique=True),
        sa.Column("digest", sa.String(length=64), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_claim_versions_item", "claim_versions", ["kind", "item_id"])


def downgrade():
    op.drop_index("ix_claim_versions_item", table_name="claim_versions")
    op.drop_table("claim_versions")
