"""Topics chosen with voters before a show (走访选民定议题, 代表来了), beside the
domain in models/domain.py: the show's topic collection, its topics, the citizens'
support for them and the append-only record of what was done.

A topic comes from a citizen (published only after moderation), from a
message put forward through a deputy's 代表码 (its public summary), from a
citizen's question to the show (the moderator's summary of it) or from the
office. No proposer's name or contact is asked or kept: only the topic's
text and an optional area. Support keeps no address: the hash of the
browser's cookie, and a keyed hash (HMAC with SECRET_KEY) of the topic and
the client's address, which counts a support once per address.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Show, ShowStatus, User, utcnow


class TopicSource(StrEnum):
    CITIZEN = "citizen"  # proposed on the public topic page
    MESSAGE = "message"  # a 代表码 message a deputy put forward for the show
    QUESTION = "question"  # a citizen's question to the show, summarised by the moderator
    STAFF = "staff"  # added by the office


class TopicStatus(StrEnum):
    PROPOSED = "proposed"  # a citizen's proposal, waiting for moderation (never public)
    PUBLISHED = "published"
    REJECTED = "rejected"  # with a reason (never public)


class TopicEventKind(StrEnum):
    OPENED = "opened"  # topic collection opened for the show
    CLOSED = "closed"
    PROPOSED = "proposed"  # by a citizen
    ADDED = "added"  # by staff, or from a message or a question (data: source)
    PUBLISHED = "published"  # data: the text as proposed, if the moderator edited it
    REJECTED = "rejected"  # note: the reason
    CHOSEN = "chosen"  # put on the show's agenda (data: position)
    UNCHOSEN = "unchosen"  # taken off the agenda
    MOVED = "moved"  # its place on the agenda changed (data: from, to)


class TopicCollection(db.Model):
    """A show's topic collection and agenda: open or not. Every change to the
    agenda touches this row, so two desks reordering at once cannot both win
    (the version)."""

    __tablename__ = "topic_collections"

    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), primary_key=True)
    is_open: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


def is_collecting(show: Show, found: TopicCollection | None) -> bool:
    """Citizens may propose and support while the office has collection open
    and the show has not started."""
    return bool(found and found.is_open and show.status == ShowStatus.SCHEDULED)


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))  # public once published
    area: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20))
    # Where it came from (one topic per message or question).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_messages.id"), unique=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=TopicStatus.PROPOSED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why rejected (staff only)
    # Its place on the show's agenda (1, 2, …); None: not chosen.
    position: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    show: Mapped[Show] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_public(self) -> bool:
        return self.status == TopicStatus.PUBLISHED

    @property
    def is_chosen(self) -> bool:
        return self.position is not None


class TopicSupport(db.Model):
    """A citizen's support for a published topic: one per browser, and one per
    address (a new user agent or a cleared cookie does not count again)."""

    __tablename__ = "topic_supports"
    __table_args__ = (
        UniqueConstraint("topic_id", "browser_key"),
        UniqueConstraint("topic_id", "address_key", name="uq_topic_supports_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    browser_key: Mapped[str] = mapped_column(String(64))  # hash of the cookie's id
    # HMAC(SECRET_KEY, topic, client address), never the address itself; None
    # for the supports given before it was kept (migration 0018).
    address_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicEvent(db.Model):
    """Append-only record of a show's topics: collection opened and closed, each
    topic proposed or added, published, rejected, chosen, moved. Written in the
    same transaction as the change; the database refuses UPDATE and DELETE."""

    __tablename__ = "topic_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    topic: Mapped[Topic | None] = relationship()
    actor: Mapped[User | None] = relationship()
