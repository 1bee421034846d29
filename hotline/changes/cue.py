"""Cue → preview → take: the desk's cue list of a show, its preview, taking an
item to program (the on-air row, changes/onair.py; the QR bug, in the cue's
state), "next", the panic "clear all", the rundown's lock, and a show's name
supers (人名条). Callers commit, then push (realtime/cue.py).

Auto-out without a scheduler: a taken item's deadline is stored with it (the
on-air row's `until`, the bug's `bug_until`). Reading ignores what is past its
deadline (queries/onair.py), the overlay page hides it at its deadline by
itself (static/cue.js), and the next write on the show, or the desk's own
refetch at the deadline, clears the rows (sweep) and tells everyone."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import (
    Call,
    Commitment,
    CueItem,
    CueState,
    NameSuper,
    OnAir,
    Show,
    User,
)
from ..rules import cue as rules
from . import audit, onair

LOCKED, UNLOCKED = audit.RUNDOWN_LOCKED, audit.RUNDOWN_UNLOCKED


class Locked(Exception):
    """The rundown is locked: nothing in the cue list moves or goes."""


def settings() -> dict[str, int]:
    return rules.auto_out_settings(current_app.config.get("HOTLINE_CUE_AUTO_OUT"))


def state(show_id: int) -> CueState:
    row = db.session.get(CueState, show_id)
    if row is None:
        row = CueState(show_id=show_id, bug_on=False, locked=False)
        db.session.add(row)
    return row


def items(show_id: int) -> list[CueItem]:
    return list(
        db.session.scalars(
            select(CueItem).where(CueItem.show_id == show_id).order_by(CueItem.position, CueItem.id)
        )
    )


def add(show: Show, kind: str, item_id: int | None, actor: User | None) -> CueItem:
    """Cue an item at the end of the list (adding never reorders, so a locked
    rundown takes it too); the first one cued is previewed at once."""
    if kind not in rules.KINDS:
        raise ValueError("unknown kind")
    last = db.session.scalar(select(func.max(CueItem.position)).where(CueItem.show_id == show.id))
    item = CueItem(
        show_id=show.id,
        position=(last or 0) + 1,
        kind=kind,
        item_id=None if kind in rules.WITHOUT_ITEM else item_id,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(item)
    db.session.flush()
    row = state(show.id)
    if row.preview_id is None:
        row.preview_id = item.id
    return item


def remove(item: CueItem) -> None:
    row = state(item.show_id)
    if row.locked:
        raise Locked
    if row.preview_id == item.id:
        row.preview_id = None
    db.session.delete(item)


def move(item: CueItem, step: int) -> None:
    """One place up (-1) or down (+1); refused while the rundown is locked."""
    if state(item.show_id).locked:
        raise Locked
    order = rules.moved([i.id for i in items(item.show_id)], item.id, step)
    for position, cued in enumerate(order, start=1):
        db.session.get(CueItem, cued).position = position


def preview(item: CueItem) -> None:
    state(item.show_id).preview_id = item.id


def take(item: CueItem, actor: User | None, now: datetime | None = None) -> CueItem:
    """The item to program: a card or a graphic on the lower third (the on-air
    row, with its auto-out), or the QR bug on in its corner. The preview moves
    on to the next item not yet taken."""
    now = now or clock.utcnow()
    until = rules.deadline(item.kind, now, settings())
    row = state(item.show_id)
    if item.kind == rules.BUG:
        row.bug_on, row.bug_since, row.bug_until = True, now, until
    else:
        onair.put_on_air(item.show_id, item.kind, item.item_id, actor, until=until)
    item.taken_at = now
    cued = items(item.show_id)
    at = next((n for n, i in enumerate(cued) if i.id == item.id), None)
    after = rules.next_index([i.taken_at is not None for i in cued], at)
    row.preview_id = cued[after].id if after is not None else None
    return item


def take_preview(show_id: int, actor: User | None) -> CueItem | None:
    row = state(show_id)
    item = db.session.get(CueItem, row.preview_id) if row.preview_id else None
    if item is None or item.show_id != show_id:
        return None
    return take(item, actor)


def take_next(show_id: int, actor: User | None) -> CueItem | None:
    """The first cued item not yet taken, in the rundown's order, to program."""
    cued = items(show_id)
    index = rules.next_index([i.taken_at is not None for i in cued])
    return take(cued[index], actor) if index is not None else None


def take_kind(show: Show, kind: str, actor: User | None) -> CueItem:
    """Straight to program (the button box's "totals", "QR bug"): the kind's
    cued item not yet taken, or a new one at the end of the list."""
    found = next((i for i in items(show.id) if i.kind == kind and i.taken_at is None), None)
    return take(found or add(show, kind, None, actor), actor)


def bug_off(show_id: int) -> None:
    row = state(show_id)
    row.bug_on, row.bug_until = False, None


def clear_all(show_id: int, actor: User | None) -> None:
    """Panic: program (the lower third and the QR bug) and preview, all empty."""
    onair.clear(show_id, actor)
    bug_off(show_id)
    state(show_id).preview_id = None


def lock(show_id: int, actor: User | None) -> None:
    row = state(show_id)
    if not row.locked:
        row.locked, row.locked_at = True, clock.utcnow()
        row.locked_by_id = actor.id if actor else None
        audit.record(actor, LOCKED, f"show {show_id}")


def unlock(show_id: int, actor: User | None) -> None:
    """Deliberate (the desk confirms it) and on the audit trail."""
    row = state(show_id)
    if row.locked:
        row.locked, row.locked_at, row.locked_by_id = False, None, None
        audit.record(actor, UNLOCKED, f"show {show_id}")


def sweep(show_id: int, now: datetime | None = None) -> bool:
    """Clear what is past its auto-out (the lower third, the QR bug); True if
    anything was (the caller commits and pushes)."""
    now = now or clock.utcnow()
    changed = False
    on_air = db.session.get(OnAir, show_id)
    if on_air is not None and on_air.kind and rules.expired(on_air.until, now):
        onair.clear(show_id, None)
        changed = True
    row = db.session.get(CueState, show_id)
    if row is not None and row.bug_on and rules.expired(row.bug_until, now):
        bug_off(show_id)
        changed = True
    return changed


# --- name supers (人名条) -----------------------------------------------------------


def _official(department_id: int) -> tuple[str, str] | None:
    """The official who last made a pledge for the department (name, title)."""
    found = db.session.execute(
        select(Commitment.official_name, Commitment.official_title)
        .join(Call, Commitment.call_id == Call.id)
        .where(Commitment.department_id == department_id, Commitment.official_name != "")
        .order_by(Commitment.id.desc())
        .limit(1)
    ).first()
    return (found[0].strip(), found[1].strip()) if found else None


def fill_supers(show: Show) -> int:
    """A super for everyone on the panel the show has none for: each deputy
    with their seat, each department's official (the one who last pledged for
    it) with department and title. Returns how many were added."""
    have = db.session.scalars(select(NameSuper).where(NameSuper.show_id == show.id)).all()
    deputies = {s.deputy_id for s in have if s.deputy_id}
    departments = {s.department_id for s in have if s.department_id}
    position = max((s.position for s in have), default=0)
    added = 0
    for deputy in show.deputies:
        if deputy.id in deputies:
            continue
        position, added = position + 1, added + 1
        db.session.add(
            NameSuper(
                show_id=show.id,
                position=position,
                name=deputy.name[:50],
                line=deputy.title[:200],
                deputy_id=deputy.id,
            )
        )
    for department in show.departments:
        official = _official(department.id)
        if department.id in departments or official is None:
            continue
        position, added = position + 1, added + 1
        name, title = official
        db.session.add(
            NameSuper(
                show_id=show.id,
                position=position,
                name=name[:50],
                line=f"{department.name} {title}".strip()[:200],
                department_id=department.id,
            )
        )
    return added


def save_super(show: Show, found: NameSuper | None, name: str, line: str) -> NameSuper:
    if found is None:
        last = db.session.scalar(
            select(func.max(NameSuper.position)).where(NameSuper.show_id == show.id)
        )
        found = NameSuper(show_id=show.id, position=(last or 0) + 1)
        db.session.add(found)
    found.name, found.line = name, line
    return found


def delete_super(found: NameSuper) -> None:
    """The super and its cued items go (refused while the rundown is locked)."""
    if state(found.show_id).locked:
        raise Locked
    row = state(found.show_id)
    for item in items(found.show_id):
        if item.kind == "super" and item.item_id == found.id:
            if row.preview_id == item.id:
                row.preview_id = None
            db.session.delete(item)
    db.session.delete(found)
