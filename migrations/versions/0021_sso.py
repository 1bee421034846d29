"""Single sign-on: the identity provider's identity the office links to an account.

Revision ID: 0021_sso
Revises: 0020_second_factors
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_sso"
# Chained after 0016 on its branch; re-chained after 0017–0020 when merged.
down_revision = "0020_second_factors"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sso_issuer", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_users_sso", ["sso_issuer", "sso_subject"])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_sso", type_="unique")
        batch.drop_column("sso_subject")
        batch.drop_column("sso_issuer")
