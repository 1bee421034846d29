"""Close the loop: referrals are board items (commitments.kind), limits the
office can change (settings).

Revision ID: 0008_loop
Revises: 0006 (department e-mail)
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_loop"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="commitment")
        )
        batch_op.create_index("ix_commitments_kind", ["kind"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=50), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )


def downgrade():
    op.drop_table("settings")
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.drop_index("ix_commitments_kind")
        batch_op.drop_column("kind")
