"""Renderers that report back (tally): the renderers of a show with the flag
the desk shows for each (rules/tally.py), beside what is on air now. The
desk's block, its pushes and the API read the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..changes.versions import code_for
from ..clock import today
from ..extensions import db
from ..models import Renderer, Show, utcnow
from ..rules import cue as cue_rules
from ..rules.tally import PREVIEW, Showing, TallyState, renderer_state
from .cue import cue_state, preview_item
from .onair import CLAIMS, card_for, on_air_card, on_air_row
from .shows import show_with_calls


@dataclass
class RendererView:
    renderer: Renderer
    state: TallyState
    silent_for: int  # seconds since it was last heard from
    number: int | None = None  # the item as the desk names it: a call's number, else its id

    @property
    def short(self) -> str:
        """Enough of the id to tell renderers apart on the desk."""
        return self.renderer.id[:8]


@dataclass
class Tally:
    show_id: int
    on_air: Showing
    on_air_since: datetime | None
    renderers: list[RendererView]
    stale_after: timedelta
    preview: Showing = Showing()  # what a preview renderer should show
    preview_since: datetime | None = None

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.renderers if r.state != TallyState.OK)


def settings() -> tuple[timedelta, timedelta, int]:
    """Stale after, grace after an on-air change, renderers per show (config.py)."""
    config = current_app.config
    return (
        timedelta(seconds=config.get("HOTLINE_TALLY_STALE_SECONDS", 10)),
        timedelta(seconds=config.get("HOTLINE_TALLY_GRACE_SECONDS", 4)),
        int(config.get("HOTLINE_TALLY_MAX_RENDERERS", 24)),
    )


def _showing(card, item_id: int | None) -> Showing:
    """A card as its renderer reports it (public/_tally.html): kind, item and
    the verification code of a card that has one (not a topic, a name super
    or the totals)."""
    if card is None:
        return Showing()
    code = code_for(*card.claim(), today()) if card.kind in CLAIMS else None
    return Showing(str(card.kind), item_id, code)


def on_air_showing(show: Show) -> tuple[Showing, datetime | None]:
    """What a program renderer of the show should show now, as it reports it:
    the on-air kind and item and the card's code (the overlay issues the same)."""
    row = on_air_row(show.id)
    since = row.since if row is not None else None
    if row is not None and row.kind and cue_rules.expired(row.until, clock.utcnow()):
        # Past its auto-out, not yet swept: program changed at `until`, and a
        # renderer gets its grace from then (until the sweep's push reaches it).
        since = row.until
    card = on_air_card(show, today())
    return _showing(card, row.item_id if card is not None else None), since


def preview_showing(show: Show) -> tuple[Showing, datetime | None]:
    """What a preview renderer should show now: the item the desk has in
    preview (the QR bug sits outside the card: nothing on the lower third)."""
    state = cue_state(show.id)
    since = state.preview_since if state is not None else None
    item = preview_item(show.id)
    if item is None or item.kind == cue_rules.BUG:
        return Showing(), since
    card = card_for(show, item.kind, item.item_id, None, today())
    return _showing(card, item.item_id if card is not None else None), since


def tally_of(show_id: int, show: Show | None = None) -> Tally | None:
    show = show or show_with_calls(show_id)
    if show is None:
        return None
    stale_after, grace, _cap = settings()
    on_air, since = on_air_showing(show)
    preview, preview_since = preview_showing(show)
    now = utcnow()
    numbers = {c.id: c.number for c in show.calls}
    rows = db.session.scalars(
        select(Renderer)
        .where(Renderer.show_id == show.id)
        .order_by(Renderer.role.desc(), Renderer.layout, Renderer.connected_at, Renderer.id)
    ).all()
    views = []
    for row in rows:
        # A preview page is compared against the preview, a program page against program.
        expected, changed_at = (preview, preview_since) if row.role == PREVIEW else (on_air, since)
        state = renderer_state(
            connected=row.sid is not None,
            last_seen=row.last_seen,
            showing=Showing(row.kind or "", row.item_id, row.code),
            on_air=expected,
            on_air_since=changed_at,
            now=now,
            stale_after=stale_after,
            grace=grace,
        )
        views.append(
            RendererView(
                row,
                state=state,
                silent_for=max(0, int((now - row.last_seen).total_seconds())),
                number=numbers.get(row.item_id) if row.kind == "call" else row.item_id,
            )
        )
    return Tally(show.id, on_air, since, views, stale_after, preview, preview_since)


def renderer_of(show_id: int, renderer_id: str) -> Renderer | None:
    row = db.session.get(Renderer, renderer_id)
    return row if row is not None and row.show_id == show_id else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def tally_record(tally: Tally) -> dict:
    """The API's answer (GET /api/v1/shows/<id>/renderers): public fields of
    what is on air and of each renderer; nothing about who runs it."""
    return {
        "show_id": tally.show_id,
        "on_air": {
            "kind": tally.on_air.kind or None,
            "item": tally.on_air.item,
            "code": tally.on_air.code,
            "since": _iso(tally.on_air_since),
        },
        "preview": {
            "kind": tally.preview.kind or None,
            "item": tally.preview.item,
            "code": tally.preview.code,
            "since": _iso(tally.preview_since),
        },
        "stale_after_seconds": tally.stale_after.total_seconds(),
        "renderers": [
            {
                "id": view.renderer.id,
                "layout": view.renderer.layout,
                "role": view.renderer.role,
                "state": view.state.value,
                "connected": view.renderer.sid is not None,
                "kind": view.renderer.kind or None,
                "item": view.renderer.item_id,
                "code": view.renderer.code,
                "showing_since": _iso(view.renderer.showing_since),
                "connected_at": _iso(view.renderer.connected_at),
                "last_seen": _iso(view.renderer.last_seen),
                "disconnected_at": _iso(view.renderer.disconnected_at),
            }
            for view in tally.renderers
        ],
    }
