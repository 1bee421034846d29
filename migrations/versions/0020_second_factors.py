"""Second factors: authenticator apps (TOTP) and passkeys (WebAuthn) of staff
accounts, and their one-time recovery codes. Every open staff session ends,
so that no session made before the second step existed outlives it.

Revision ID: 0020_second_factors
Revises: 0019_sign_in_limits
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0020_second_factors"
# Re-chained at merge after 0017–0019, made alongside.
down_revision = "0019_sign_in_limits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("secret", sa.String(length=300), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.Column("credential_id", sa.String(length=1400), nullable=True, unique=True),
        sa.Column("public_key", sa.LargeBinary(), nullable=True),
        sa.Column("sign_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_second_factors_user_id", "second_factors", ["user_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    # Sign everyone in again, through the second step where it applies.
    op.get_bind().execute(
        sa.text("UPDATE staff_sessions SET revoked_at = :now WHERE revoked_at IS NULL"),
        {"now": datetime.now(UTC).replace(tzinfo=None)},  # naive UTC, as the app stores
    )


def downgrade():
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_index("ix_second_factors_user_id", table_name="second_factors")
    op.drop_table("second_factors")
