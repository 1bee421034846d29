"""Renderers that report back (tally): a renderer's report and its disconnect,
kept in the renderers table (models/tally.py). Callers commit. Reports come
from anonymous browser sources, so this layer holds the limits that keep them
from crowding the table: a renderer id belongs to one live connection, a show
has at most `cap` renderers, and a renderer unheard of for a day is dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import Renderer
from ..rules.tally import PROGRAM, Showing

FORGOTTEN_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Reported:
    """How a report went: `refused` names why (the desk is not told), `changed`
    says whether the desk's list changed (a new renderer, one back, another item)."""

    refused: str | None = None
    changed: bool = False


def report(
    renderer_id: str,
    *,
    show_id: int,
    layout: str,
    sid: str,
    role: str = PROGRAM,
    showing: Showing,
    now: datetime,
    cap: int,
    stale_after: timedelta,
) -> Reported:
    row = db.session.get(Renderer, renderer_id)
    if row is not None and row.show_id != show_id:
        return Reported(refused="taken")  # another show's renderer: never moved
    if row is not None and row.sid not in (None, sid) and now - row.last_seen <= stale_after:
        # Another live page has this id (a duplicated tab copies sessionStorage).
        return Reported(refused="taken")
    if row is None:
        if not _room_for_one_more(show_id, now, cap, stale_after):
            return Reported(refused="full")
        row = Renderer(id=renderer_id, show_id=show_id, connected_at=now, showing_since=now)
        db.session.add(row)
        changed = True
    else:
        changed = row.sid != sid or row.layout != layout or row.role != role
        if row.sid != sid:
            row.connected_at = now
    if (row.kind or "", row.item_id, row.code) != (showing.kind, showing.item, showing.code):
        row.kind, row.item_id, row.code = showing.kind, showing.item, showing.code
        row.showing_since = now
        changed = True
    row.layout, row.role, row.sid = layout, role, sid
    row.last_seen, row.disconnected_at = now, None
    return Reported(changed=changed)


def _room_for_one_more(show_id: int, now: datetime, cap: int, stale_after: timedelta) -> bool:
    """Whether a new renderer may join the show's list: forgotten ones are
    dropped first, then, at the cap, the longest silent one that is not live."""
    db.session.execute(
        delete(Renderer).where(
            Renderer.show_id == show_id, Renderer.last_seen < now - FORGOTTEN_AFTER
        )
    )
    count = db.session.scalar(
        select(func.count()).select_from(Renderer).where(Renderer.show_id == show_id)
    )
    if count < cap:
        return True
    gone = db.session.scalar(
        select(Renderer.id)
        .where(
            Renderer.show_id == show_id,
            or_(Renderer.sid.is_(None), Renderer.last_seen < now - stale_after),
        )
        .order_by(Renderer.last_seen)
        .limit(1)
    )
    if gone is None:
        return False
    db.session.execute(delete(Renderer).where(Renderer.id == gone))
    return True


def disconnected(sid: str, now: datetime) -> list[int]:
    """The connection closed: its renderer is marked disconnected. Returns the
    shows whose list changed."""
    shows = db.session.scalars(select(Renderer.show_id).where(Renderer.sid == sid)).all()
    if shows:
        db.session.execute(
            update(Renderer).where(Renderer.sid == sid).values(sid=None, disconnected_at=now)
        )
    return sorted(set(shows))


def forget(renderer: Renderer) -> None:
    """The desk drops a renderer that is gone for good (a browser source removed)."""
    db.session.delete(renderer)
