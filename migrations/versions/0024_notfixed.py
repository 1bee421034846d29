"""Citizens' "not fixed" reports (群众反映未解决), moderated by the office.

Revision ID: 0024_notfixed
Revises: 0023_claim_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_notfixed"
down_revision = "0023_claim_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notfixed_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "commitment_id", sa.Integer(), sa.ForeignKey("commitments.id"), nullable=False
        ),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "attachment_id",
            sa.Integer(),
            sa.ForeignKey("attachments.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id"), nullable=True),
    )
    op.create_index("ix_notfixed_reports_commitment_id", "notfixed_reports", ["commitment_id"])
    op.create_index("ix_notfixed_reports_status", "notfixed_reports", ["status"])


def downgrade():
    op.drop_index("ix_notfixed_reports_status", table_name="notfixed_reports")
    op.drop_index("ix_notfixed_reports_commitment_id", table_name="notfixed_reports")
    op.drop_table("notfixed_reports")
