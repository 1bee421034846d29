"""Departments have an e-mail address for reminders and 督办 notices.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("departments") as batch_op:
        batch_op.add_column(
            sa.Column("email", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("departments") as batch_op:
        batch_op.drop_column("email")
