"""Response templates (回复模板) the office keeps: the usual words of one
action (rules/replies.py ACTIONS: progress, extension request, completion
report, verification note, withdrawal reason, answer on air), for one
category or for all (category_id None), with placeholders filled for the
item when a liaison picks one. A retired template is kept, never offered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import utcnow

__all__ = ["Reply"]


class Reply(db.Model):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    # None: offered for every category.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(String(2000))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # By name (models/ import only the domain): models/categories.py.
    category: Mapped[Category | None] = relationship("Category")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Reply {self.id} {self.action} {self.title}>"
