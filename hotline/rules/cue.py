"""Cue → preview → take (the desk's rundown of graphics): which kinds of item
can be cued, how long each stays on program before it leaves by itself
(auto-out), and which cued item "next" takes. Pure rules: no Flask, no database.

A kind's auto-out is in seconds; 0 means it stays until something replaces it
or the desk clears it. The defaults can be changed per kind with the setting
HOTLINE_CUE_AUTO_OUT, e.g. "super=6,totals=15,qr=0" (docs/operating.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

# The lower third's cards (the on-air row's kinds, models.OnAirKind) ...
CARDS = ("call", "commitment", "promise", "rundown", "topic")
# ... the graphics only the cue puts on program: a name super (人名条) and the
# show's totals take the lower third like a card; the QR bug sits in its corner
# beside whatever is on the lower third, on and off by itself.
GRAPHICS = ("super", "totals")
BUG = "qr"
KINDS = (*CARDS, *GRAPHICS, BUG)
# Kinds that name no item: one of each is enough.
WITHOUT_ITEM = ("totals", BUG)

AUTO_OUT = {"super": 8, "totals": 12, BUG: 0} | dict.fromkeys(CARDS, 0)
MAX_AUTO_OUT = 3600


def auto_out_settings(setting: str | None) -> dict[str, int]:
    """Each kind's auto-out, the defaults changed by "kind=seconds,..." (a
    malformed or unknown part is ignored: a typo never takes graphics off air)."""
    found = dict(AUTO_OUT)
    for part in (setting or "").split(","):
        kind, _, seconds = part.partition("=")
        kind, seconds = kind.strip(), seconds.strip()
        if kind in found and seconds.isdigit():
            found[kind] = min(int(seconds), MAX_AUTO_OUT)
    return found


def deadline(kind: str, taken_at: datetime, settings: dict[str, int]) -> datetime | None:
    """When an item taken at `taken_at` leaves program by itself; None: it stays."""
    seconds = settings.get(kind, 0)
    return taken_at + timedelta(seconds=seconds) if seconds > 0 else None


def expired(until: datetime | None, now: datetime) -> bool:
    return until is not None and until <= now


def next_index(taken: Sequence[bool], after: int | None = None) -> int | None:
    """The first item not yet taken, in the rundown's order, after position
    `after` (an index) when given; None when every one has been taken."""
    start = 0 if after is None else after + 1
    for index in range(start, len(taken)):
        if not taken[index]:
            return index
    return None


def moved(order: Sequence[int], item: int, step: int) -> list[int]:
    """The rundown's order with `item` moved one place up (-1) or down (+1)."""
    order = list(order)
    if item not in order:
        return order
    at = order.index(item)
    to = min(max(at + step, 0), len(order) - 1)
    order.insert(to, order.pop(at))
    return order
