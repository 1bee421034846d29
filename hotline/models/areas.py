"""Managed areas (区域): the city's administrative hierarchy, kept by the office.

Districts (区/县) hold streets and towns (街道/镇), which hold communities and
villages (社区/村). `path` lists the ids from the district down to the area
itself ("/3/17/"), so "this area and everything in it" is one LIKE on an
index, and a renamed area keeps its id, its path and its history. Retired
areas (active = False) leave the pickers and keep every past record.

What was typed on air is never refused: it stays on the record as text
(Call.area) and waits for the office to map it once with an alias.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import utcnow

__all__ = ["Area", "AreaAlias", "AreaLevel"]


class AreaLevel(StrEnum):
    DISTRICT = "district"  # 区/县
    STREET = "street"  # 街道/镇/乡
    COMMUNITY = "community"  # 社区/村


class Area(db.Model):
    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_areas_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))  # an AreaLevel
    # 统计用区划代码 when the office has it; unique, so an import can match on it.
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    path: Mapped[str] = mapped_column(String(200), default="", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Area | None] = relationship(remote_side="Area.id")

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.name}>"


class AreaAlias(db.Model):
    """A text that means an area: "凤凰街道办" for 凤凰街道, or a value typed on
    air or before the list existed, mapped once by the office."""

    __tablename__ = "area_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(100), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area] = relationship()
