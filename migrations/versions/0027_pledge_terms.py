"""A pledge says how it will be checked: its terms on the commitment (what,
where, how much, the acceptance criterion), and the office's vague phrases.

Revision ID: 0027_pledge_terms
Revises: 0026_notifications
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_pledge_terms"
down_revision = "0026_notifications"
branch_labels = None
depends_on = None

TERMS = (("deliverable", 500), ("place", 200), ("measure", 200), ("criterion", 500))


def upgrade():
    # Plain ADD COLUMN with a constant default: no table rebuild on SQLite.
    for name, length in TERMS:
        op.add_column(
            "commitments",
            sa.Column(name, sa.String(length=length), nullable=False, server_default=""),
        )
    op.create_table(
        "vague_phrases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phrase", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("phrase"),
    )


def downgrade():
    op.drop_table("vague_phrases")
    with op.batch_alter_table("commitments") as batch:
        for name, _length in reversed(TERMS):
            batch.drop_column(name)
