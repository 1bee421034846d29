"""A show run as a whole: each renderer's role (program or preview, so a
preview page is compared against what is in preview), and since when the
preview holds what it holds (the grace a preview renderer gets to follow).

Revision ID: 0036_renderer_roles
Revises: 0035_categories_data
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_renderer_roles"
down_revision = "0035_categories_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("renderers") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=10), nullable=False, server_default="program")
        )
    with op.batch_alter_table("cue_states") as batch:
        batch.add_column(sa.Column("preview_since", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("cue_states") as batch:
        batch.drop_column("preview_since")
    with op.batch_alter_table("renderers") as batch:
        batch.drop_column("role")
