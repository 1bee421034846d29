"""Webhook deliveries already sent or given up lose the caller's contact, and
their recorded errors become the generic words the sender now stores
(hotline/integration/webhook_http.py): the queue is in every backup, and a
detailed socket error told one internal service from another. No schema change.

Revision ID: 0017_webhook_safety
Revises: 0016_assign
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0017_webhook_safety"
down_revision = "0016_assign"
branch_labels = None
depends_on = None

GENERIC = ("timed out", "connection failed", "address not allowed", "redirect refused")

deliveries = sa.table(
    "webhook_deliveries",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("body", sa.Text),
    sa.column("last_error", sa.String),
)


def upgrade():
    bind = op.get_bind()
    done = bind.execute(
        sa.select(deliveries.c.id, deliveries.c.body).where(
            deliveries.c.status.in_(("delivered", "failed")),
            deliveries.c.body.like('%"caller"%'),
        )
    ).all()
    for delivery_id, body in done:
        payload = json.loads(body)
        if payload.get("data", {}).pop("caller", None) is None:
            continue
        bind.execute(
            deliveries.update()
            .where(deliveries.c.id == delivery_id)
            .values(body=json.dumps(payload, ensure_ascii=False, sort_keys=True))
        )
    bind.execute(
        deliveries.update()
        .where(deliveries.c.last_error != "", deliveries.c.last_error.not_in(GENERIC))
        .values(last_error="connection failed")
    )


def downgrade():
    pass  # what was removed is gone on purpose
