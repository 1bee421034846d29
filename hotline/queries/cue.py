"""What the desk's cue panel, the preview renderer and the program overlay read
of the cue (changes/cue.py): the cued items in order with a line each, the
preview, the QR bug and the name supers. Public fields only: a call's topic, a
commitment's pledge, a super's words; never a caller's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

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
)
from ..rules import cue as rules
from .topics import public_topic


@dataclass
class CueRow:
    item: CueItem
    text: str  # what it is, in a line (public words)
    previewed: bool
    on_program: bool
    missing: bool = False  # its call, commitment or super is gone


@dataclass
class Bug:
    """The QR bug on program: since when, and when it leaves (None: stays)."""

    since: datetime | None
    until: datetime | None


def auto_out() -> dict[str, int]:
    """Each kind's auto-out in seconds (0: it stays), as this site sets them."""
    return rules.auto_out_settings(current_app.config.get("HOTLINE_CUE_AUTO_OUT"))


def cue_state(show_id: int) -> CueState | None:
    return db.session.get(CueState, show_id)


def cued(show_id: int) -> list[CueItem]:
    return list(
        db.session.scalars(
            select(CueItem).where(CueItem.show_id == show_id).order_by(CueItem.position, CueItem.id)
        )
    )


def cue_item(show_id: int, item_id: int) -> CueItem | None:
    item = db.session.get(CueItem, item_id)
    return item if item is not None and item.show_id == show_id else None


def supers(show_id: int) -> list[NameSuper]:
    return list(
        db.session.scalars(
            select(NameSuper)
            .where(NameSuper.show_id == show_id)
            .order_by(NameSuper.position, NameSuper.id)
        )
    )


def name_super(show_id: int, super_id: int | None) -> NameSuper | None:
    found = db.session.get(NameSuper, super_id) if super_id else None
    return found if found is not None and found.show_id == show_id else None


def preview_item(show_id: int) -> CueItem | None:
    row = cue_state(show_id)
    return cue_item(show_id, row.preview_id) if row and row.preview_id else None


def program_bug(show_id: int, now: datetime | None = None) -> Bug | None:
    """The QR bug, if it is on program and not past its auto-out."""
    row = cue_state(show_id)
    if row is None or not row.bug_on or rules.expired(row.bug_until, now or clock.utcnow()):
        return None
    return Bug(row.bug_since, row.bug_until)


def remaining_ms(until: datetime | None, now: datetime | None = None) -> int | None:
    """Milliseconds left before an auto-out, for the page to hide it by itself."""
    if until is None:
        return None
    return max(0, int((until - (now or clock.utcnow())).total_seconds() * 1000))


def _text(show: Show, item: CueItem) -> str | None:
    """The cued item in a line (None when what it names is gone)."""
    if item.kind == "call":
        call = db.session.get(Call, item.item_id)
        return f"#{call.number} {call.topic}" if call and call.show_id == show.id else None
    if item.kind in ("commitment", "promise", "rundown"):
        c = db.session.get(Commitment, item.item_id)
        return f"#{c.id} {c.department.name}: {c.pledge}" if c else None
    if item.kind == "topic":
        topic = public_topic(show.id, item.item_id)
        return topic.text if topic else None
    if item.kind == "super":
        found = name_super(show.id, item.item_id)
        return f"{found.name} · {found.line}" if found else None
    return ""  # the totals, the QR bug: their kind says it all


def cue_rows(show: Show) -> list[CueRow]:
    row = cue_state(show.id)
    on_air = db.session.get(OnAir, show.id)
    now = clock.utcnow()
    live = on_air is not None and on_air.kind and not rules.expired(on_air.until, now)
    bug = program_bug(show.id, now) is not None
    rows = []
    for item in cued(show.id):
        text = _text(show, item)
        if item.kind == rules.BUG:
            on_program = bug
        else:
            on_program = bool(live and on_air.kind == item.kind and on_air.item_id == item.item_id)
        rows.append(
            CueRow(
                item,
                (text or "")[:120],
                previewed=row is not None and row.preview_id == item.id,
                on_program=on_program,
                missing=text is None,
            )
        )
    return rows


def cue_panel(show: Show) -> dict:
    """Everything the desk's cue panel (desk/_cue.html) renders, but the show."""
    row = cue_state(show.id)
    now = clock.utcnow()
    bug = program_bug(show.id, now)
    on_air = db.session.get(OnAir, show.id)
    deadlines = [bug.until if bug else None]
    if on_air is not None and on_air.kind and not rules.expired(on_air.until, now):
        deadlines.append(on_air.until)
    soonest = min((d for d in deadlines if d is not None), default=None)
    return {
        "cue": cue_rows(show),
        "cue_locked": bool(row and row.locked),
        "cue_bug": bug,
        "cue_auto_out": auto_out(),
        "cue_supers": supers(show.id),
        # Milliseconds to the next auto-out: the desk refetches this block then.
        "cue_out_ms": remaining_ms(soonest, now),
    }
