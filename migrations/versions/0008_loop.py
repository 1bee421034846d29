"""Close the loop: referrals are board items (commitments.kind), limits the
office can change (settings), reference codes (查询码, hashed).

Revision ID: 0008_loop
Revises: 0007_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_loop"
down_revision = "0007_audit"
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


    op.create_table(
        "reference_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=True),
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("questions.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reference_codes_call_id", "reference_codes", ["call_id"])
    op.create_index("ix_reference_codes_question_id", "reference_codes", ["question_id"])


def downgrade():
    op.drop_table("reference_codes")
    op.drop_table("settings")
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.drop_index("ix_commitments_kind")
        batch_op.drop_column("kind")
