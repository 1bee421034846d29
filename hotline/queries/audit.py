"""The office's view of the audit trail: filters by actor, action and a local
date range, newest first, paged; the same selection feeds the CSV."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select

from ..clock import local_to_utc
from ..extensions import db
from ..models import AuditLog

PER_PAGE = 50
MAX_PAGE = 10**6


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        raise ValueError(raw) from None


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1
    # Which filters were refused (unknown action, unreadable date): ignored, and said.
    refused: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args, known_actions: tuple[str, ...]) -> AuditQuery:
        refused = []
        action = (args.get("action") or "").strip()
        if action and action not in known_actions:
            refused.append("action")
            action = ""
        days = {}
        for key in ("since", "until"):
            try:
                days[key] = _day(args.get(key))
            except ValueError:
                refused.append(key)
                days[key] = None
        page = args.get("page", type=int) or 1
        return cls(
            actor=(args.get("actor") or "").strip()[:100],
            action=action,
            since=days["since"],
            until=days["until"],
            page=min(max(1, page), MAX_PAGE),
            refused=tuple(refused),
        )

    def args(self, **override) -> dict:
        """The filters as URL arguments (for links to other pages and the CSV)."""
        q = replace(self, **override)
        found = {
            "actor": q.actor or None,
            "action": q.action or None,
            "since": q.since.isoformat() if q.since else None,
            "until": q.until.isoformat() if q.until else None,
            "page": q.page if q.page != 1 else None,
        }
        return {k: v for k, v in found.items() if v is not None}


def _filtered(query: AuditQuery, stmt: Select) -> Select:
    if query.actor:
        stmt = stmt.where(AuditLog.actor_name == query.actor)
    if query.action:
        stmt = stmt.where(AuditLog.action == query.action)
    if query.since:
        stmt = stmt.where(
            AuditLog.created_at >= local_to_utc(datetime.combine(query.since, datetime.min.time()))
        )
    if query.until:
        end = datetime.combine(query.until + timedelta(days=1), datetime.min.time())
        stmt = stmt.where(AuditLog.created_at < local_to_utc(end))
    return stmt


def rows(query: AuditQuery, *, paged: bool = True) -> tuple[list[AuditLog], int, int]:
    """(rows newest first, total matching, number of pages)."""
    total = db.session.scalar(_filtered(query, select(func.count(AuditLog.id)))) or 0
    stmt = _filtered(query, select(AuditLog)).order_by(AuditLog.id.desc())
    if paged:
        stmt = stmt.limit(PER_PAGE).offset((query.page - 1) * PER_PAGE)
    return list(db.session.scalars(stmt)), total, max(1, math.ceil(total / PER_PAGE))


def actors() -> list[str]:
    """Every name seen in the trail, for the actor filter's suggestions."""
    stmt = select(AuditLog.actor_name).distinct().order_by(AuditLog.actor_name).limit(500)
    return list(db.session.scalars(stmt))
