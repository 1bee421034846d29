"""Escalation: 签收 (acknowledgement), 通报 on the board, 派单异议 waiting; 并单
(a call linked to an earlier call on the same problem).

Items that existed before 签收 count as acknowledged when they were made, so
the office is not flagged for a rule that did not exist then.

Revision ID: 0011_escalation
Revises: 0013_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_escalation"
down_revision = "0013_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("assigned_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("disputed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("noticed_on", sa.Date(), nullable=True))
    op.execute("UPDATE commitments SET acknowledged_at = created_at")
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_calls_duplicate_of", "calls", ["duplicate_of_id"], ["id"])


def downgrade():
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint("fk_calls_duplicate_of", type_="foreignkey")
        batch.drop_column("duplicate_of_id")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("noticed_on")
        batch.drop_column("disputed_at")
        batch.drop_column("acknowledged_at")
        batch.drop_column("assigned_at")
