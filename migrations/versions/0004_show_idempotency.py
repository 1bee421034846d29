"""Shows carry the idempotency key of the form that scheduled them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shows") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_shows_idempotency_key", ["idempotency_key"])


def downgrade():
    with op.batch_alter_table("shows") as batch_op:
        batch_op.drop_constraint("uq_shows_idempotency_key", type_="unique")
        batch_op.drop_column("idempotency_key")
