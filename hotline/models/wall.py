"""The public question wall (提问墙), beside the domain in models/domain.py.

A citizen's question (Question) stays in the moderator's queue as before;
its place on the wall is a row of its own here, keyed by the question:
whether the moderator approved it for the wall and what it is marked now
(rules/wall.py WallState), why it awaits review (a sensitive word, a number
that looks personal, a blocked sender) and the sender's fingerprint. The
wall shows only the words the moderator approved and the area: never the
sender's name or phone, which stay on the question.

The fingerprint is two keyed hashes (HMAC with SECRET_KEY, public/browser.py):
of the browser's cookie id and of the connection's address, each bound to the
wall, so it cannot be turned back into either nor linked to the browser's
other signs (a vote, a rating). A moderator blocks a sender by it
(WallBlock), never learning who they are.

Viewers' upvotes (WallVote) count once per browser and once per connection
a day, hashed as viewers' votes on an answer are (models/votes.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from ..rules.wall import Review, WallState
from .domain import Question, utcnow

__all__ = ["SensitiveWord", "WallBlock", "WallEntry", "WallVote"]


class WallEntry(db.Model):
    """A question's place on the wall. Made when the question is sent (with the
    sender's fingerprint and the review it needs), or when the moderator
    approves a question that came another way."""

    __tablename__ = "wall_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), unique=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=WallState.PENDING)
    review: Mapped[str] = mapped_column(String(20), default=Review.NONE)
    # The sensitive words found (and "personal" for a number), for the moderator.
    flagged: Mapped[str] = mapped_column(String(300), default="")
    # The words shown on the wall: the question as sent, unless the moderator
    # reworded it when approving (e.g. to take out a name).
    text: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(100), default="")
    # HMAC(secret, wall, cookie id) and HMAC(secret, wall, address): "" when unknown.
    sender_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    address_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    changed_at: Mapped[datetime | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # `question.wall`: the queue reads a question's flag and state in one more query.
    question: Mapped[Question] = relationship(
        backref=backref("wall", uselist=False, lazy="selectin")
    )

    @property
    def on_wall(self) -> bool:
        return self.state in (WallState.APPROVED, WallState.HIGHLIGHTED)


class WallVote(db.Model):
    """A viewer's upvote: once per browser and once per connection a day."""

    __tablename__ = "wall_votes"
    __table_args__ = (
        UniqueConstraint("entry_id", "browser_key", name="uq_wall_votes_browser"),
        UniqueConstraint("entry_id", "client_key", name="uq_wall_votes_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("wall_entries.id"), index=True)
    browser_key: Mapped[str] = mapped_column(String(64))  # hash of the cookie's id
    # HMAC(SECRET_KEY, day, address, user agent, entry): never the address itself.
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WallBlock(db.Model):
    """A sender the moderator blocked, by the fingerprint of one of their
    questions. Their new questions are held for review (never dropped).
    Lifted, a block is kept, inactive."""

    __tablename__ = "wall_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    address_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))  # blocked from
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    question: Mapped[Question] = relationship()


class SensitiveWord(db.Model):
    """The office's sensitive words (seeded with rules/wall.py DEFAULT_WORDS):
    a question with one is flagged for the moderator. Taken off, a word is
    kept inactive and comes back when added again."""

    __tablename__ = "sensitive_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(50), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
