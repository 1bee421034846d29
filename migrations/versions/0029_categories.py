"""Managed categories and areas (models/categories.py, models/areas.py): the
office's lists, aliases for typed texts, and the ids beside the typed text on
calls and 代表码 messages. The typed text stays as it was.

Revision ID: 0029_categories
Revises: 0028_viewer_votes
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_categories"
down_revision = "0028_viewer_votes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=50), nullable=False, unique=True),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("departments.id"), nullable=True),
        sa.Column("hint", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "category_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(length=50), nullable=False, unique=True),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("categories.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_category_aliases_category_id", "category_aliases", ["category_id"])
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("areas.id"), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True, unique=True),
        sa.Column("path", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("parent_id", "name", name="uq_areas_parent_name"),
    )
    op.create_index("ix_areas_parent_id", "areas", ["parent_id"])
    op.create_index("ix_areas_path", "areas", ["path"])
    op.create_table(
        "area_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(length=100), nullable=False, unique=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("areas.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_area_aliases_area_id", "area_aliases", ["area_id"])
    for table in ("calls", "deputy_messages"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("category_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_area_id", "areas", ["area_id"], ["id"])
            batch.create_foreign_key(
                f"fk_{table}_category_id", "categories", ["category_id"], ["id"]
            )
            batch.create_index(f"ix_{table}_area_id", ["area_id"])
            batch.create_index(f"ix_{table}_category_id", ["category_id"])


def downgrade():
    for table in ("calls", "deputy_messages"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_category_id")
            batch.drop_index(f"ix_{table}_area_id")
            batch.drop_constraint(f"fk_{table}_category_id", type_="foreignkey")
            batch.drop_constraint(f"fk_{table}_area_id", type_="foreignkey")
            batch.drop_column("category_id")
            batch.drop_column("area_id")
    op.drop_index("ix_area_aliases_area_id", table_name="area_aliases")
    op.drop_table("area_aliases")
    op.drop_index("ix_areas_path", table_name="areas")
    op.drop_index("ix_areas_parent_id", table_name="areas")
    op.drop_table("areas")
    op.drop_index("ix_category_aliases_category_id", table_name="category_aliases")
    op.drop_table("category_aliases")
    op.drop_table("categories")
