"""Renderers that report back (tally): what a broadcast overlay page says it
shows, and the state the desk reads from it. Pure: no Flask, no database
(changes/tally.py keeps the reports, queries/tally.py reads them).

Each overlay page (an OBS / vMix browser source) reports over its socket the
item it shows (kind and id), the item's verification code, and a heartbeat
every few seconds. The desk flags a renderer that is disconnected (its page
closed or its connection dropped), stale (no heartbeat for a while: a frozen
browser source, a dead server process) or outdated (it still shows something
other than what is on air now, a while after the change)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# A renderer names itself: a random id its page keeps in sessionStorage.
RENDERER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KIND = re.compile(r"^[a-z-]{0,20}$")
CODE = re.compile(r"^[0-9A-Z]{1,8}$")
# A renderer's role: program shows what is on air, preview what the desk has
# in preview (the cue); each is compared against its own.
PROGRAM, PREVIEW = "program", "preview"
ROLES = (PROGRAM, PREVIEW)


class TallyState(StrEnum):
    OK = "ok"
    OUTDATED = "outdated"  # showing something else than what is on air (or in preview) now
    STALE = "stale"  # no heartbeat for a while
    DISCONNECTED = "disconnected"  # its page closed or its connection dropped


@dataclass(frozen=True)
class Showing:
    """What a renderer shows, or what is on air: nothing is ("", None, None)."""

    kind: str = ""
    item: int | None = None
    code: str | None = None

    @classmethod
    def parse(cls, data: dict) -> Showing | None:
        """A renderer's report as sent (strings or numbers), or None when malformed."""
        kind = data.get("kind") or ""
        item, code = data.get("item"), data.get("code") or None
        if not isinstance(kind, str) or not KIND.match(kind):
            return None
        if item in (None, ""):
            item = None
        else:
            try:
                item = int(item)
            except (TypeError, ValueError):
                return None
            if not 0 < item < 2**31:
                return None
        if code is not None and (not isinstance(code, str) or not CODE.match(code)):
            return None
        if not kind:
            return cls()
        return cls(kind, item, code)


def valid_renderer_id(value) -> bool:
    return isinstance(value, str) and RENDERER_ID.match(value) is not None


def renderer_state(
    *,
    connected: bool,
    last_seen: datetime,
    showing: Showing,
    on_air: Showing,
    on_air_since: datetime | None,
    now: datetime,
    stale_after: timedelta,
    grace: timedelta,
) -> TallyState:
    """The flag the desk shows for one renderer. A renderer is given `grace`
    after the on-air item changed before it counts as outdated (a healthy one
    updates within a second); a code that changed under the same item counts
    at once (the renderer reports within a second of the push)."""
    if not connected:
        return TallyState.DISCONNECTED
    if now - last_seen > stale_after:
        return TallyState.STALE
    if showing != on_air and (on_air_since is None or now - on_air_since > grace):
        return TallyState.OUTDATED
    return TallyState.OK
