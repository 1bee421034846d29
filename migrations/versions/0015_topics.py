"""Topics chosen with voters before a show: the collection, topics, citizens'
support and the append-only record. Messages already put forward for a show
through a deputy's 代表码 become its topics.

Revision ID: 0015_topics
Revises: 0011_escalation
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_topics"
down_revision = "0011_escalation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "topic_collections",
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), primary_key=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("deputy_messages.id"),
            nullable=True,
            unique=True,
        ),
        sa.Column(
            "question_id", sa.Integer(), sa.ForeignKey("questions.id"), nullable=True, unique=True
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_topics_show_id", "topics", ["show_id"])
    op.create_index("ix_topics_status", "topics", ["status"])
    op.create_table(
        "topic_supports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("topics.id"), nullable=False),
        sa.Column("browser_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("topic_id", "browser_key"),
    )
    op.create_index("ix_topic_supports_topic_id", "topic_supports", ["topic_id"])
    op.create_index("ix_topic_supports_client_key", "topic_supports", ["client_key"])
    op.create_table(
        "topic_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("show_id", sa.Integer(), sa.ForeignKey("shows.id"), nullable=False),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("topics.id"), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_topic_events_show_id", "topic_events", ["show_id"])
    op.create_index("ix_topic_events_topic_id", "topic_events", ["topic_id"])
    if op.get_bind().dialect.name == "postgresql":
        # events_append_only() was created in 0002.
        op.execute(
            "CREATE TRIGGER topic_events_append_only BEFORE UPDATE OR DELETE ON topic_events "
            "FOR EACH ROW EXECUTE FUNCTION events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER topic_events_no_{action.lower()} BEFORE {action} "
                "ON topic_events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )
    # What deputies put forward before topics existed: published topics of those
    # shows (the deputy wrote the public summary), each with its record.
    op.execute(
        "INSERT INTO topics (show_id, text, area, source, message_id, status, reason, "
        "position, created_at, version) "
        "SELECT show_id, summary, area, 'message', id, 'published', '', NULL, updated_at, 1 "
        "FROM deputy_messages WHERE status = 'topic' AND show_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO topic_events (show_id, topic_id, kind, created_at, note, data) "
        "SELECT show_id, id, 'added', created_at, '', '{\"source\": \"message\"}' FROM topics"
    )


def downgrade():
    op.drop_table("topic_events")
    op.drop_table("topic_supports")
    op.drop_table("topics")
    op.drop_table("topic_collections")
