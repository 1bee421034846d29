"""Managed categories (问题类别), kept by the office.

A call, a 代表码 message or an API write picks a category from this list;
the category names the department a call routes to by default. Retiring a
category (active = False) hides it from the pickers and never changes a past
call. What was typed before the list existed (or typed on air) stays on the
record as text (Call.category); an alias maps such a text to a category once,
for every record that carries it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Department, utcnow

__all__ = ["Category", "CategoryAlias"]


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    # Where a call of this category goes unless the desk picks another.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    hint: Mapped[str] = mapped_column(String(200), default="")  # a line for the picker
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship()

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class CategoryAlias(db.Model):
    """A text that means a category: "城管" for 城市管理, or a value typed
    before the list existed, mapped once by the office."""

    __tablename__ = "category_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(50), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship()
