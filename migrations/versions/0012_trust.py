"""Ratings carry a second, server-side sign of who sent them: a keyed hash of
the address and user agent for that day (never the address itself), so one
connection rates a commitment once a day even without its cookie.

Revision ID: 0012_trust
Revises: 0014_deputies
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_trust"
down_revision = "0014_deputies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ratings") as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_ratings_client_key", ["client_key"])


def downgrade():
    with op.batch_alter_table("ratings") as batch_op:
        batch_op.drop_index("ix_ratings_client_key")
        batch_op.drop_column("client_key")
