"""Support for a topic counts once per address: a keyed hash (HMAC with
SECRET_KEY) of the topic and the client's address replaces the daily sign of
day, address and user agent, which a new user agent, a cleared cookie or the
next day reset. The database refuses a second support from one address for
a topic. Supports given before keep no such hash (NULL): no address was ever
kept to compute it from.

Revision ID: 0018_support_address
Revises: 0017_webhook_safety
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_support_address"
down_revision = "0017_webhook_safety"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("topic_supports") as batch:
        batch.add_column(sa.Column("address_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_topic_supports_address", ["topic_id", "address_key"])
        batch.drop_index("ix_topic_supports_client_key")
        batch.drop_column("client_key")


def downgrade():
    with op.batch_alter_table("topic_supports") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
    # Any 64 hex characters do for the old daily sign: it never matches again.
    op.execute("UPDATE topic_supports SET client_key = COALESCE(address_key, browser_key)")
    with op.batch_alter_table("topic_supports") as batch:
        batch.alter_column("client_key", existing_type=sa.String(length=64), nullable=False)
        batch.create_index("ix_topic_supports_client_key", ["client_key"])
        batch.drop_constraint("uq_topic_supports_address", type_="unique")
        batch.drop_column("address_key")
