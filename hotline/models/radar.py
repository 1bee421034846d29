"""The radar's links (上次承诺): a call that raises again a problem an earlier
board item, call or 代表码 message holds. Each link is written with an event on
the call's timeline and, for a board item, on the item's (changes/radar.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["Repeat", "RepeatKind"]


class RepeatKind(StrEnum):
    COMMITMENT = "commitment"  # a board item: a commitment or a referral
    CALL = "call"  # an earlier call with no board item
    MESSAGE = "message"  # a 代表码 message not (yet) given to a department


class Repeat(db.Model):
    __tablename__ = "repeats"
    __table_args__ = (UniqueConstraint("call_id", "kind", "item_id", name="uq_repeats_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)  # the new call
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(index=True)  # the earlier item, of `kind`
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
